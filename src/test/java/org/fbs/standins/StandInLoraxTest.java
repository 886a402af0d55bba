package org.fbs.standins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that the lorax stand-in (src/test/standins/lorax) is strict the way lorax is: it accepts the
 * command line FBS must produce and writes a real ISO 9660 image, and it refuses wrong command lines
 * with lorax's exit codes and messages.
 */
class StandInLoraxTest {

    private static final Path LORAX = Path.of("src/test/standins/lorax").toAbsolutePath();
    private static final String FEDORA_REPO =
            "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/";

    @TempDir
    Path dir;

    private Path workingDir;
    private Path sideRepo;
    private Path logfile;
    private Path tmp;
    private final AtomicInteger runs = new AtomicInteger();

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void standInIsAnExecutableScript() {
        assertThat(LORAX).isRegularFile();
        assertThat(Files.isExecutable(LORAX)).as("%s is executable", LORAX).isTrue();
    }

    @BeforeEach
    void setUp() throws IOException {
        workingDir = Files.createDirectories(dir.resolve("cwd"));
        sideRepo = dir.resolve("side-repo"); // what createrepo_c would leave: repodata/repomd.xml
        Files.createDirectories(sideRepo.resolve("repodata"));
        Files.writeString(sideRepo.resolve("repodata/repomd.xml"), "<repomd/>\n");
        logfile = dir.resolve("logs/lorax.log");
        tmp = dir.resolve("lorax-tmp");
    }

    /** A valid command line without OUTPUTDIR, as separate arguments (never a shell string). */
    private List<String> validOptions() {
        return new ArrayList<>(List.of(
                "-p", "Fedora", "-v", "41", "-r", "41",
                "-s", FEDORA_REPO,
                "-s", sideRepo.toUri().toString(),
                "--buildarch", "x86_64",
                "--nomacboot",
                "--logfile", logfile.toString(),
                "--tmp", tmp.toString()));
    }

    private static List<String> with(List<String> options, String... more) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of(more));
        return all;
    }

    private static List<String> without(List<String> options, String option) {
        List<String> all = new ArrayList<>(options);
        int at = all.indexOf(option);
        assertThat(at).as("option %s present", option).isNotNegative();
        all.remove(at + 1);
        all.remove(at);
        return all;
    }

    private Result run(List<String> args) throws Exception {
        return run(Map.of(), args);
    }

    private Result run(Map<String, String> env, List<String> args) throws Exception {
        return run(List.of(LORAX.toString()), env, args);
    }

    /** Runs {@code program} (the stand-in, perhaps behind another command) with {@code args}. */
    private Result run(List<String> program, Map<String, String> env, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(program);
        command.addAll(args);
        int n = runs.incrementAndGet();
        Path out = dir.resolve("run" + n + ".stdout");
        Path err = dir.resolve("run" + n + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FBS_STANDIN_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the stand-in did not finish within 60 s: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String isoBytes(Path iso, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(iso.toFile(), "r")) {
            f.seek(offset);
            f.readFully(bytes);
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static String volumeId(Path iso) throws IOException {
        // Primary volume descriptor at sector 16 (byte 32768); volume identifier at +40, 32 bytes.
        return isoBytes(iso, 32768 + 40, 32).stripTrailing();
    }

    private void assertNothingCreated(Path outdir) throws IOException {
        assertThat(outdir).doesNotExist();
        try (Stream<Path> left = Files.list(workingDir)) {
            assertThat(left).as("files left in the working directory").isEmpty();
        }
    }

    /**
     * xorriso 1.5.4 itself crashes now and then (UNIX-SIGNAL: SIGSEGV): the stand-in makes the ISO again and says so.
     * An xorriso on PATH that crashes once, the way 1.5.4 reports it, then runs the real one.
     */
    @Test
    void anXorrisoThatCrashesOnceIsRunAgainAndTheLogSaysSo() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path crashed = dir.resolve("crashed");
        Path xorriso = Files.writeString(bin.resolve("xorriso"), "#!/bin/sh\n"
            + "if [ ! -e '" + crashed + "' ]; then : > '" + crashed + "'; echo 'xorriso : UNIX-SIGNAL : SIGSEGV' >&2;"
            + " exit 1; fi\nPATH=" + System.getenv("PATH") + " exec xorriso \"$@\"\n");
        Files.setPosixFilePermissions(xorriso, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path outdir = dir.resolve("out");

        Result result = run(Map.of("PATH", bin + ":" + System.getenv("PATH")), with(validOptions(), outdir.toString()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(outdir.resolve("images/boot.iso")).isNotEmptyFile();
        assertThat(Files.readString(logfile)).contains("WARNING pylorax: stand-in: xorriso died of a signal (exit 1,"
            + " attempt 1 of 3");
    }

    /** An xorriso that fails without a signal is not run again: the build fails. */
    @Test
    void anXorrisoThatFailsWithoutASignalFailsTheBuild() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path xorriso = Files.writeString(bin.resolve("xorriso"), "#!/bin/sh\necho 'xorriso : FAILURE : no space' >&2\n"
            + "exit 5\n");
        Files.setPosixFilePermissions(xorriso, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

        Result result = run(Map.of("PATH", bin + ":" + System.getenv("PATH")),
            with(validOptions(), dir.resolve("out").toString()));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("xorriso failed").doesNotContain("died of a signal");
    }

    // ------------------------------------------------------------------------------------------------
    // Valid command lines

    @Test
    void validCommandLineProducesARealIso() throws Exception {
        Path outdir = dir.resolve("results");

        Result r = run(with(validOptions(), outdir.toString()));

        assertThat(r.exitCode()).as("exit code, stderr:%n%s", r.stderr()).isZero();
        Path iso = outdir.resolve("images/boot.iso");
        assertThat(iso).isRegularFile();
        assertThat(isoBytes(iso, 32769, 5)).isEqualTo("CD001");
        assertThat(volumeId(iso)).isEqualTo("Fedora-41-x86_64");
        assertThat(Files.size(iso) % 2048).as("whole 2048-byte sectors").isZero();

        String treeinfo = Files.readString(outdir.resolve(".treeinfo"));
        assertThat(treeinfo).contains("[general]", "name = Fedora-41", "version = 41", "arch = x86_64");

        // progress goes to stderr like lorax's logging does, and into --logfile
        assertThat(r.stderr())
                .contains("stand-in parsed arguments: product='Fedora' version='41' release='41' buildarch='x86_64'")
                .contains("sources=['" + FEDORA_REPO + "', '" + sideRepo.toUri() + "']")
                .contains("rebuilding initramfs images")
                .contains("creating boot.iso")
                .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}: creating boot\\.iso$");
        assertThat(logfile).isRegularFile();
        assertThat(Files.readString(logfile))
                .contains("stand-in parsed arguments: product='Fedora'")
                .contains("creating boot.iso");
        // --tmp was created and the stand-in's work dir in it was removed
        assertThat(tmp).isDirectory().isEmptyDirectory();
    }

    @Test
    void equalsFormsAttachedShortValuesAndRepeatedOptionsAreAccepted() throws Exception {
        Path outdir = dir.resolve("results");
        List<String> args = List.of(
                "-pFedora", "-v=41", "--release=41",
                "--source=" + FEDORA_REPO, "-s", sideRepo.toUri().toString(),
                "--mirrorlist=https://mirrors.fedoraproject.org/mirrorlist?repo=fedora-41&arch=aarch64",
                "-m", "https://mirrors.fedoraproject.org/mirrorlist?repo=updates-released-f41&arch=aarch64",
                "--proxy=http://proxy.example:3128",
                "--buildarch=aarch64", "--volid=FBS-TEST", "--isfinal", "--nomacboot",
                "--logfile=" + logfile, "--tmp=" + tmp,
                "--", outdir.toString());

        Result r = run(args);

        assertThat(r.exitCode()).as("exit code, stderr:%n%s", r.stderr()).isZero();
        Path iso = outdir.resolve("images/boot.iso");
        assertThat(isoBytes(iso, 32769, 5)).isEqualTo("CD001");
        assertThat(volumeId(iso)).isEqualTo("FBS-TEST");
        assertThat(Files.readString(outdir.resolve(".treeinfo"))).contains("arch = aarch64");
        assertThat(r.stderr()).contains("buildarch='aarch64'", "isfinal=True",
                "proxy='http://proxy.example:3128'", "Added 'lorax-mirrorlist-1'");
    }

    @Test
    void sleepIsSpreadOverTheProgressLines() throws Exception {
        long start = System.nanoTime();
        Result r = run(Map.of("FBS_STANDIN_SLEEP", "1"), with(validOptions(), dir.resolve("results").toString()));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(r.exitCode()).as("exit code, stderr:%n%s", r.stderr()).isZero();
        assertThat(millis).isGreaterThanOrEqualTo(900);
    }

    @Test
    void versionOptionPrintsWhatLorax46Prints() throws Exception {
        Result r = run(List.of("-V"));
        Result chosen = run(Map.of("FBS_STANDIN_VERSION", "34.9"), List.of("-V"));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("lorax-46.0\n"); // cmdline.py: basename(argv[0]) + "-" + vernum
        assertThat(chosen.stdout()).isEqualTo("lorax-34.9\n");
    }

    // ------------------------------------------------------------------------------------------------
    // The mac boot image: lorax 46 Lorax.run() needs hfsplus-tools unless --nomacboot

    /** This JVM's PATH without the directories that hold mkfs.hfsplus. */
    private static String pathWithoutHfsplus() {
        StringBuilder path = new StringBuilder();
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && !Files.exists(Path.of(d, "mkfs.hfsplus"))) {
                path.append(path.isEmpty() ? "" : ":").append(d);
            }
        }
        return path.toString();
    }

    @Test
    void withoutNomacbootAndWithoutHfsplusToolsLoraxExits1BeforeMakingTheOutputDir() throws Exception {
        // Issue 14: FBS never passed --nomacboot, so lorax failed on aarch64, ppc64le and s390x workers.
        Path outdir = dir.resolve("results");
        List<String> args = new ArrayList<>(validOptions());
        args.remove("--nomacboot");
        args.add(outdir.toString());

        Result r = run(Map.of("PATH", pathWithoutHfsplus()), args);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("you need to install hfsplus-tools to create mac images");
        assertThat(outdir).doesNotExist();
    }

    @Test
    void withHfsplusToolsTheMacBootImageNeedsNoOption() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mkfs = Files.writeString(bin.resolve("mkfs.hfsplus"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(mkfs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path outdir = dir.resolve("results");
        List<String> args = new ArrayList<>(validOptions());
        args.remove("--nomacboot");
        args.addAll(List.of("--macboot", outdir.toString()));

        Result r = run(Map.of("PATH", bin + ":" + pathWithoutHfsplus()), args);

        assertThat(r.exitCode()).as("exit code, stderr:%n%s", r.stderr()).isZero();
        assertThat(outdir.resolve("images/boot.iso")).isRegularFile();
    }

    @Test
    void aRepoFileIsASourceToo() throws Exception {
        Path repoFile = Files.writeString(dir.resolve("fedora.repo"), "[fedora]\nbaseurl=" + FEDORA_REPO + "\n");
        Path outdir = dir.resolve("results");
        List<String> args = with(without(without(validOptions(), "-s"), "-s"), "--repo", repoFile.toString(),
                outdir.toString());

        Result r = run(args);
        Result missing = run(with(without(without(validOptions(), "-s"), "-s"), "--repo",
                dir.resolve("absent.repo").toString(), dir.resolve("results2").toString()));

        assertThat(r.exitCode()).as("exit code, stderr:%n%s", r.stderr()).isZero();
        assertThat(r.stderr()).contains("Using repositories from " + repoFile);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("--repo " + dir.resolve("absent.repo") + " is not a file");
    }

    @Test
    void theSameFedoraRepositoryAsBaseurlAndAsMetalinkIsRefused() throws Exception {
        // Issue 14: FBS passed each default repository twice, as -s URL and as -m METALINK.
        Path outdir = dir.resolve("results");
        Result r = run(with(validOptions(),
                "-m", "https://mirrors.fedoraproject.org/metalink?repo=fedora-41&arch=x86_64", outdir.toString()));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("repository fedora-41 (x86_64) is given twice");
    }

    // ------------------------------------------------------------------------------------------------
    // Command lines lorax's argument parser refuses (argparse: exit 2)

    @Test
    void missingProductIsRefused() throws Exception {
        Path outdir = dir.resolve("results");
        Result r = run(with(without(validOptions(), "-p"), outdir.toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("usage: lorax")
                .contains("lorax: error: the following arguments are required: -p/--product");
        assertNothingCreated(outdir);
    }

    @Test
    void missingOutputDirIsRefused() throws Exception {
        Result r = run(validOptions());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: the following arguments are required: OUTPUTDIR");
    }

    @Test
    void noSourceIsRefused() throws Exception {
        Path outdir = dir.resolve("results");
        Result r = run(with(without(without(validOptions(), "-s"), "-s"), outdir.toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: --source, --repo, or both are required.");
        assertNothingCreated(outdir);
    }

    @Test
    void aMirrorlistAloneIsNotEnoughForLorax() throws Exception {
        Path outdir = dir.resolve("results");
        List<String> args = with(without(without(validOptions(), "-s"), "-s"),
                "-m", "https://mirrors.fedoraproject.org/mirrorlist?repo=fedora-41&arch=x86_64", outdir.toString());
        Result r = run(args);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: --source, --repo, or both are required.");
    }

    @Test
    void existingOutputDirIsRefusedAndLeftAlone() throws Exception {
        Path outdir = Files.createDirectories(dir.resolve("results"));
        Path precious = Files.writeString(outdir.resolve("precious.txt"), "keep me");

        Result r = run(with(validOptions(), outdir.toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: output directory " + outdir + " should not exist.");
        assertThat(Files.readString(precious)).isEqualTo("keep me");
        try (Stream<Path> files = Files.list(outdir)) {
            assertThat(files).containsExactly(precious);
        }
    }

    @Test
    void buildarchEqualsFollowedByTheArchIsRefused_the2012Bug() throws Exception {
        Path outdir = dir.resolve("results");
        // What the 2012 service did: "--buildarch=" and the arch as two arguments. lorax's parser takes
        // buildarch = "", "x86_64" as OUTPUTDIR, and the real OUTPUTDIR is left over.
        List<String> args = with(without(validOptions(), "--buildarch"), "--buildarch=", "x86_64", outdir.toString());

        Result r = run(args);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: unrecognized arguments: " + outdir);
        assertNothingCreated(outdir); // in particular no ./x86_64
    }

    @Test
    void anEmptyOptionValueIsRefused() throws Exception {
        Path outdir = dir.resolve("results");
        List<String> noArch = without(validOptions(), "--buildarch");

        Result equalsForm = run(with(noArch, "--buildarch=", outdir.toString()));
        Result separateForm = run(with(noArch, "--buildarch", "", outdir.toString()));
        Result emptyVolid = run(with(validOptions(), "--volid", "", outdir.toString()));

        for (Result r : List.of(equalsForm, separateForm)) {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.stderr()).contains("lorax: error: argument --buildarch: empty value");
        }
        assertThat(emptyVolid.exitCode()).isEqualTo(2);
        assertThat(emptyVolid.stderr()).contains("lorax: error: argument --volid: empty value");
        assertNothingCreated(outdir);
    }

    @Test
    void unknownOptionIsRefused() throws Exception {
        Path outdir = dir.resolve("results");
        Result r = run(with(validOptions(), "--frobnicate", outdir.toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: unrecognized arguments: --frobnicate");
        assertNothingCreated(outdir);
    }

    @Test
    void aSecondPositionalIsRefused() throws Exception {
        Path outdir = dir.resolve("results");
        Path other = dir.resolve("other");
        Result r = run(with(validOptions(), outdir.toString(), other.toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: unrecognized arguments: " + other);
        assertNothingCreated(outdir);
    }

    @Test
    void anOptionWithoutItsValueIsRefused() throws Exception {
        Path outdir = dir.resolve("results");
        List<String> args = with(without(validOptions(), "--tmp"), "--tmp", "-s", FEDORA_REPO, outdir.toString());
        Result r = run(args);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: argument --tmp: expected one argument");
    }

    @Test
    void aValueForTheIsfinalFlagIsRefused() throws Exception {
        Result r = run(with(validOptions(), "--isfinal=yes", dir.resolve("results").toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("lorax: error: argument --isfinal: ignored explicit argument 'yes'");
    }

    // ------------------------------------------------------------------------------------------------
    // Failures found while running (exit 1)

    @Test
    void aRepositoryThatIsNotAUrlIsRefused() throws Exception {
        Path outdir = dir.resolve("results");
        List<String> args = with(validOptions(), "-s", "dl.fedoraproject.org/pub/fedora", outdir.toString());
        Result r = run(args);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("'dl.fedoraproject.org/pub/fedora' is not an http://, https://, ftp:// or file:// URL");
        assertThat(outdir.resolve("images/boot.iso")).doesNotExist();
    }

    @Test
    void aFileRepositoryWithoutMetadataFails() throws Exception {
        Path outdir = dir.resolve("results");
        Path empty = Files.createDirectories(dir.resolve("not-a-repo"));
        Result r = run(with(validOptions(), "-s", empty.toUri().toString(), outdir.toString()));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("error: unable to create the dnf base object");
        assertThat(outdir).doesNotExist();
    }

    @Test
    void aVolumeIdLongerThan32CharactersFails() throws Exception {
        Path outdir = dir.resolve("results");
        // the default volume id "Fedora-Workstation-Live-41-x86_64" has 33 characters; lorax refuses it
        List<String> args = with(without(validOptions(), "-p"), "-p", "Fedora-Workstation-Live", outdir.toString());
        Result r = run(args);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("the volume id cannot be longer than 32 characters");
        assertThat(outdir.resolve("images/boot.iso")).doesNotExist();
    }

    @Test
    void toldToFailPrintsSomeProgressThenFails() throws Exception {
        Path outdir = dir.resolve("results");
        Result r = run(Map.of("FBS_STANDIN_FAIL", "1"), with(validOptions(), outdir.toString()));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("installing runtime packages").contains("ERROR: stand-in told to fail");
        assertThat(r.stderr().indexOf("installing runtime packages"))
                .isLessThan(r.stderr().indexOf("ERROR: stand-in told to fail"));
        assertThat(Files.readString(logfile)).contains("ERROR: stand-in told to fail");
        assertThat(outdir.resolve("images/boot.iso")).doesNotExist();
    }

    @Test
    void rootIsRequiredWhenAsked() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        List<String> program = List.of(LORAX.toString());
        if (uid == 0) {
            // As root the check cannot fail: run the stand-in as nobody instead (setpriv is in util-linux), from a
            // copy in the test's own folder, since nobody may not be allowed into the checkout's folders.
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Path copy = Files.copy(LORAX, dir.resolve("lorax-copy"));
            Files.copy(LORAX.resolveSibling("lib/xorriso.sh"),
                Files.createDirectories(dir.resolve("lib")).resolve("xorriso.sh"));
            Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            program = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copy.toString());
        }

        Result r = run(program, Map.of("FBS_STANDIN_REQUIRE_ROOT", "1"),
            with(validOptions(), dir.resolve("results").toString()));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("no root privileges");
    }
}
