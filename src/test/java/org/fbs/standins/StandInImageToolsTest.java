package org.fbs.standins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves that the stand-ins for livemedia-creator, kiwi-ng, pungi and ksflatten (src/test/standins) are strict
 * the way the real tools are: they accept the command lines FBS must produce and write real ISO 9660 images where
 * the real tools put theirs, and they refuse wrong command lines and inputs with the tools' exit codes and words.
 * These are test programs, not the Fedora tools: the real ones cannot run on the machines FBS is tested on.
 */
class StandInImageToolsTest {

    static final Path STANDINS = Path.of("src/test/standins").toAbsolutePath();
    static final String FEDORA_URL = "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/";
    static final Pattern CHILD = Pattern.compile("stand-in child process ([0-9]+) started");

    @TempDir
    Path dir;
    Path cwd;
    Path sideRepo;
    final AtomicInteger runs = new AtomicInteger();

    record Result(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        cwd = Files.createDirectories(dir.resolve("cwd"));
        sideRepo = dir.resolve("side-repo"); // what createrepo_c leaves: repodata/repomd.xml
        Files.createDirectories(sideRepo.resolve("repodata"));
        Files.writeString(sideRepo.resolve("repodata/repomd.xml"), "<repomd/>\n");
    }

    Result run(String tool, Map<String, String> env, List<String> args) throws Exception {
        return run(List.of(STANDINS.resolve(tool).toString()), env, args);
    }

    Result run(List<String> program, Map<String, String> env, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(program);
        command.addAll(args);
        int n = runs.incrementAndGet();
        Path out = dir.resolve("run" + n + ".out");
        Path err = dir.resolve("run" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FBS_STANDIN_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the stand-in did not finish within 60 s: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Path kickstart(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** {@link ToolFixtures#liveKickstart()} with the side repository, as FBS hands it over. */
    String liveKickstart() {
        return ToolFixtures.liveKickstart() + "repo --name=fbs-side --baseurl=file://" + sideRepo + "\n";
    }

    List<String> lmcArgs(Path ks, Path results) {
        return new ArrayList<>(List.of("--make-iso", "--no-virt", "--ks", ks.toString(),
            "--resultdir", results.toString(), "--project", "Fedora", "--releasever", "41",
            "--volid", "Fedora-Live-41", "--iso-only", "--iso-name", "Fedora-Live-x86_64-41.iso",
            "--logfile", dir.resolve("logs/livemedia.log").toString(), "--tmp", dir.resolve("tmp").toString(),
            "--timeout", "60"));
    }

    Path kiwiDescription() throws IOException {
        Path description = Files.createDirectories(dir.resolve("description"));
        Files.writeString(description.resolve("Fedora.kiwi"), ToolFixtures.KIWI_DESCRIPTION);
        return description;
    }

    static String uname() throws IOException {
        return new String(new ProcessBuilder("uname", "-m").start().getInputStream().readAllBytes()).strip();
    }

    /** This JVM's PATH without the directories holding a program whose name starts with {@code prefix}. */
    static String pathWithout(String prefix) {
        StringBuilder path = new StringBuilder();
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            File[] hits = new File(d).listFiles((f, name) -> name.startsWith(prefix));
            if (!d.isEmpty() && (hits == null || hits.length == 0)) {
                path.append(path.isEmpty() ? "" : ":").append(d);
            }
        }
        return path.toString();
    }

    /** A directory holding an executable {@code name} that does nothing, for a program a stand-in looks for. */
    Path fakeProgram(String name) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("fake-bin"));
        Path program = Files.writeString(bin.resolve(name), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    List<String> kiwiArgs(Path description, Path target) {
        return new ArrayList<>(List.of("--type=iso", "--profile=Workstation-Live", "--kiwi-file=Fedora.kiwi",
            "system", "build", "--description", description.toString(), "--target-dir", target.toString(),
            "--add-repo=file://" + sideRepo + ",rpm-md,fbs-side,1"));
    }

    static String isoText(Path iso, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(iso.toFile(), "r")) {
            f.seek(offset);
            f.readFully(bytes);
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    static void assertIso(Path iso, String volumeId) throws IOException {
        assertThat(iso).isRegularFile();
        assertThat(isoText(iso, 32769, 5)).as("ISO 9660 signature of %s", iso).isEqualTo("CD001");
        if (volumeId != null) {
            assertThat(isoText(iso, 32768 + 40, 32).stripTrailing()).isEqualTo(volumeId);
        }
    }

    /** Runs {@code tool} as nobody (the tests run as root here), from a copy nobody can read. */
    List<String> asNobody(String tool) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("nobody").resolve("lib"));
        Files.copy(STANDINS.resolve("lib/standin.sh"), copy.resolve("standin.sh"));
        Files.copy(STANDINS.resolve("lib/xorriso.sh"), copy.resolve("xorriso.sh"));
        Path script = Files.copy(STANDINS.resolve(tool), copy.getParent().resolve(tool));
        for (Path p : List.of(dir, cwd, copy.getParent(), copy)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return uid == 0
            ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", script.toString())
            : List.of(script.toString());
    }

    // ---- livemedia-creator ------------------------------------------------------------------------------------

    @Nested
    class LivemediaCreator {

        Path ks;
        Path results;

        @BeforeEach
        void kickstart() throws IOException {
            ks = StandInImageToolsTest.this.kickstart("flat.ks", liveKickstart());
            results = dir.resolve("results");
        }

        List<String> valid() {
            return lmcArgs(ks, results);
        }

        List<String> with(String... more) {
            List<String> args = valid();
            args.addAll(List.of(more));
            return args;
        }

        List<String> replaced(String option, String value) {
            List<String> args = valid();
            args.set(args.indexOf(option) + 1, value);
            return args;
        }

        @Test
        void theCommandLineFbsUsesWritesARealIsoNamedAsAskedAndALog() throws Exception {
            Result r = run("livemedia-creator", Map.of(), valid());

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertIso(results.resolve("Fedora-Live-x86_64-41.iso"), "Fedora-Live-41");
            assertThat(r.stderr()).contains("stand-in parsed arguments: mode=no-virt", "ks='" + ks + "'");
            assertThat(Files.readString(dir.resolve("logs/livemedia.log"))).contains("Creating the live ISO");
            try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
                assertThat(tmp).as("its work dir is removed").isEmpty();
            }
        }

        @Test
        void anExistingResultDirIsRefusedAndLeftAlone() throws Exception {
            Path precious = Files.writeString(Files.createDirectories(results).resolve("precious"), "keep");

            Result r = run("livemedia-creator", Map.of(), valid());

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("The results_dir (" + results + ") should not exist");
            assertThat(Files.readString(precious)).isEqualTo("keep");
        }

        @Test
        void argparseErrorsExit2() throws Exception {
            Result unknown = run("livemedia-creator", Map.of(), with("--frobnicate"));
            Result noValue = run("livemedia-creator", Map.of(), with("--tmp"));
            Result badTimeout = run("livemedia-creator", Map.of(), replaced("--timeout", "soon"));
            List<String> noMakeIso = valid();
            noMakeIso.remove("--make-iso");
            Result noImageType = run("livemedia-creator", Map.of(), noMakeIso);
            Result twoImageTypes = run("livemedia-creator", Map.of(), with("--make-disk"));

            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.stderr()).contains("livemedia-creator: error: unrecognized arguments: --frobnicate");
            assertThat(noValue.exitCode()).isEqualTo(2);
            assertThat(noValue.stderr()).contains("argument --tmp: expected one argument");
            assertThat(badTimeout.exitCode()).isEqualTo(2);
            assertThat(badTimeout.stderr()).contains("argument --timeout: invalid int value: 'soon'");
            assertThat(noImageType.exitCode()).isEqualTo(2);
            assertThat(noImageType.stderr()).contains("one of the arguments --make-iso --make-disk");
            assertThat(twoImageTypes.exitCode()).isEqualTo(2);
            assertThat(twoImageTypes.stderr()).contains("argument --make-disk: not allowed with argument --make-iso");
            assertThat(results).doesNotExist();
        }

        @Test
        void titleIsRefusedAsLorax32AndLaterRefuseIt() throws Exception {
            // Issue 14: FBS passed --title whenever the spec had one; lmc_parser has no --title since lorax 32.
            Result r = run("livemedia-creator", Map.of(), with("--title", "Fedora Live"));

            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.stderr()).contains("livemedia-creator: error: unrecognized arguments: --title Fedora Live");
            assertThat(results).doesNotExist();
        }

        @Test
        void itsOwnChecksExit1NamingTheProblem() throws Exception {
            Result missingKs = run("livemedia-creator", Map.of(), replaced("--ks", dir.resolve("nope.ks").toString()));
            Result longVolid = run("livemedia-creator", Map.of(),
                replaced("--volid", "Fedora-Workstation-Live-x86_64-41x"));

            assertThat(missingKs.exitCode()).isEqualTo(1);
            assertThat(missingKs.stderr()).contains("kickstart file (" + dir.resolve("nope.ks") + ") is missing.");
            assertThat(longVolid.exitCode()).isEqualTo(1);
            assertThat(longVolid.stderr()).contains("the volume id cannot be longer than 32 characters");
            assertThat(results).doesNotExist();
        }

        Result withKickstart(String text) throws Exception {
            Files.writeString(ks, text);
            return run("livemedia-creator", Map.of(), valid());
        }

        @Test
        void theOldEndToEndKickstartIsRefusedForEachThingLmcNeedsInIt() throws Exception {
            // Issue 14: the end-to-end test's kickstart was a url line and %packages, nothing else.
            Result old = withKickstart("url --url=" + FEDORA_URL + "\n%packages\n@workstation-product-environment\n%end\n");
            Result noDracutLive = withKickstart(liveKickstart().replace("dracut-live\n", ""));
            Result noNetwork = withKickstart(liveKickstart().replaceAll("network [^\n]*\n", ""));
            Result noRootPartition = withKickstart(liveKickstart().replaceAll("part / [^\n]*\n", ""));
            Result noUrl = withKickstart(liveKickstart().replace("url --url", "# url --url"));

            assertThat(old.exitCode()).isEqualTo(1);
            assertThat(old.stderr()).contains("dracut-live package is missing from the kickstart.");
            assertThat(noDracutLive.exitCode()).isEqualTo(1);
            assertThat(noDracutLive.stderr()).contains("dracut-live package is missing from the kickstart.");
            assertThat(noNetwork.exitCode()).isEqualTo(1);
            assertThat(noNetwork.stderr())
                .contains("The kickstart must activate networking if the url or nfs install method is used.");
            assertThat(noRootPartition.exitCode()).isEqualTo(1);
            assertThat(noRootPartition.stderr()).contains("needs a / partition");
            assertThat(noUrl.exitCode()).isEqualTo(1);
            assertThat(noUrl.stderr()).contains(
                "Only url, nfs and ostreesetup install methods are currently supported.Please fix your kickstart file.",
                "repo can only be used with the url install method. Add url to your kickstart file.");
            assertThat(results).doesNotExist();
        }

        @Test
        void theKickstartMustBeFlatAndSetNoDisplayModeAndItsFileReposNeedMetadata() throws Exception {
            Result include = withKickstart("%include fedora-live-base.ks\n" + liveKickstart());
            Result display = withKickstart("text\n" + liveKickstart());
            Result badRepo = withKickstart(liveKickstart().replace(sideRepo.toString(), dir.resolve("empty").toString()));

            assertThat(include.exitCode()).isEqualTo(1);
            assertThat(include.stderr()).contains("still has '%include fedora-live-base.ks'");
            assertThat(display.exitCode()).isEqualTo(1);
            assertThat(display.stderr()).contains("The kickstart must not set a display mode");
            assertThat(badRepo.exitCode()).isEqualTo(1);
            assertThat(badRepo.stderr()).contains("repodata/repomd.xml does not exist");
        }

        /** The virt-mode command line: no --no-virt, anaconda's boot.iso given with --iso. */
        List<String> virt(Path bootIso) {
            List<String> args = valid();
            args.remove("--no-virt");
            args.addAll(List.of("--iso", bootIso.toString(), "--ram", "4096", "--vcpus", "2"));
            return args;
        }

        @Test
        void virtModeNeedsAnInstallIsoQemuAndShutdownAndThenBuilds() throws Exception {
            Path bootIso = Files.writeString(dir.resolve("boot.iso"), "not really an iso");
            Map<String, String> withQemu = Map.of("PATH", fakeProgram("qemu-system-x86_64") + ":" + pathWithout("qemu-system-"));
            List<String> noIso = valid();
            noIso.remove("--no-virt");

            Result withoutIso = run("livemedia-creator", withQemu, noIso);
            Result missingIso = run("livemedia-creator", withQemu, virt(dir.resolve("absent.iso")));
            Result withoutQemu = run("livemedia-creator", Map.of("PATH", pathWithout("qemu-system-")), virt(bootIso));
            Files.writeString(ks, liveKickstart().replace("shutdown\n", ""));
            Result withoutShutdown = run("livemedia-creator", withQemu, virt(bootIso));
            Files.writeString(ks, liveKickstart());
            Result built = run("livemedia-creator", withQemu, virt(bootIso));

            assertThat(withoutIso.exitCode()).isEqualTo(1);
            assertThat(withoutIso.stderr()).contains("virt install needs an install iso.");
            assertThat(missingIso.exitCode()).isEqualTo(1);
            assertThat(missingIso.stderr()).contains("The iso " + dir.resolve("absent.iso") + " is missing.");
            assertThat(withoutQemu.exitCode()).isEqualTo(1);
            assertThat(withoutQemu.stderr()).contains("qemu needs to be installed.");
            assertThat(withoutShutdown.exitCode()).isEqualTo(1);
            assertThat(withoutShutdown.stderr()).contains("The kickstart must include shutdown when using virt installation.");
            assertThat(built.exitCode()).as(built.all()).isZero();
            assertThat(built.stderr()).contains("mode=virt iso='" + bootIso + "'");
            assertIso(results.resolve("Fedora-Live-x86_64-41.iso"), "Fedora-Live-41");
        }

        @Test
        void nomacbootIsAnOptionItKnows() throws Exception {
            Result r = run("livemedia-creator", Map.of(), with("--nomacboot"));

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.stderr()).contains("macboot=no");
        }

        @Test
        void rootIsRequiredWhenAsked() throws Exception {
            Files.setPosixFilePermissions(ks, PosixFilePermissions.fromString("rw-r--r--"));
            Result r = run(asNobody("livemedia-creator"), Map.of("FBS_STANDIN_REQUIRE_ROOT", "1"), valid());

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("You need to run this as root");
        }
    }

    // ---- kiwi-ng ----------------------------------------------------------------------------------------------

    @Nested
    class KiwiNg {

        Path description;
        Path target;

        @BeforeEach
        void describe() throws IOException {
            description = kiwiDescription();
            target = dir.resolve("kiwi-out");
        }

        List<String> valid() {
            return kiwiArgs(description, target);
        }

        @Test
        void theCommandLineFbsUsesWritesTheIsoNamedAfterTheImageArchAndVersion() throws Exception {
            Result r = run("kiwi-ng", Map.of(), valid());

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertIso(target.resolve("Fedora-Live." + uname() + "-" + ToolFixtures.KIWI_VERSION + ".iso"), "Fedora-Live");
            assertThat(r.stdout()).contains("Adding repository file://" + sideRepo + " as fbs-side");
        }

        @Test
        void docoptErrorsPrintTheUsageAndExit1() throws Exception {
            List<String> globalAfterCommand = new ArrayList<>(valid());
            globalAfterCommand.add("--profile=Workstation-Live");
            List<String> noTarget = new ArrayList<>(valid());
            noTarget.subList(noTarget.indexOf("--target-dir"), noTarget.indexOf("--target-dir") + 2).clear();

            List<String> buildOptionFirst = new ArrayList<>(List.of("--description", description.toString()));
            buildOptionFirst.addAll(valid());

            for (List<String> args : List.of(globalAfterCommand, noTarget, List.of("system", "prepare"), buildOptionFirst)) {
                Result r = run("kiwi-ng", Map.of(), args);
                assertThat(r.exitCode()).as("%s", args).isEqualTo(1);
                assertThat(r.stderr()).as("%s", args).contains("usage: kiwi-ng");
            }
            assertThat(target).doesNotExist();
        }

        @Test
        void kiwisOwnChecksNameItsException() throws Exception {
            List<String> badProfile = new ArrayList<>(valid());
            badProfile.set(1, "--profile=KDE-Live");
            List<String> badType = new ArrayList<>(valid());
            badType.set(0, "--type=oem");
            List<String> badRepo = new ArrayList<>(valid());
            badRepo.set(badRepo.size() - 1, "--add-repo=file://" + sideRepo + ",rpm,fbs-side,1");
            List<String> noFile = new ArrayList<>(valid());
            noFile.set(2, "--kiwi-file=config.kiwi");

            assertThat(run("kiwi-ng", Map.of(), badProfile).stdout())
                .contains("KiwiProfileNotFound: profile(s): KDE-Live not found");
            assertThat(run("kiwi-ng", Map.of(), badType).stdout()).contains("KiwiTypeNotFound: build type oem");
            assertThat(run("kiwi-ng", Map.of(), badRepo).stdout()).contains("unknown repository type 'rpm'");
            Result missing = run("kiwi-ng", Map.of(), noFile);
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.stdout()).contains("KiwiConfigFileNotFound");
            assertThat(target).doesNotExist();
        }

        @Test
        void theOldEndToEndDescriptionIsRefusedAsKiwisSchemaRefusesIt() throws Exception {
            // Issue 14: the end-to-end test's description had no <description> (kiwi: KiwiDescriptionInvalid).
            Files.writeString(description.resolve("Fedora.kiwi"), """
                <image schemaversion="7.4" name="Fedora-Live">
                  <profiles><profile name="Workstation-Live" description="Fedora Workstation Live"/></profiles>
                  <preferences profiles="Workstation-Live"><version>41.0</version><type image="iso"/></preferences>
                </image>
                """);

            Result r = run("kiwi-ng", Map.of(), valid());

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).contains("KiwiDescriptionInvalid: Failed to validate schema",
                "no <description type=\"system\"> element");
            assertThat(target).doesNotExist();
        }

        @Test
        void anExistingImageRootIsRefused() throws Exception {
            Files.createDirectories(target.resolve("build/image-root"));

            Result r = run("kiwi-ng", Map.of(), valid());

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).contains("KiwiRootDirExists");
            try (Stream<Path> left = Files.list(target)) {
                assertThat(left).containsExactly(target.resolve("build"));
            }
        }

        @Test
        void rootIsRequiredWhenAsked() throws Exception {
            Result r = run(asNobody("kiwi-ng"), Map.of("FBS_STANDIN_REQUIRE_ROOT", "1"), valid());

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).contains("KiwiPrivilegesError");
        }
    }

    // ---- pungi ------------------------------------------------------------------------------------------------

    @Nested
    class Pungi {

        Path ks;
        Path dest;
        String arch;

        @BeforeEach
        void kickstart() throws Exception {
            ks = StandInImageToolsTest.this.kickstart("dvd.ks", "repo --name=fedora --baseurl=" + FEDORA_URL
                + "\nrepo --name=fbs-side --baseurl=file://" + sideRepo + "\n%packages\n@core\nkernel\n%end\n");
            dest = dir.resolve("dest");
            arch = new String(new ProcessBuilder("uname", "-m").start().getInputStream().readAllBytes()).strip();
        }

        List<String> valid(String... more) {
            List<String> args = new ArrayList<>(List.of("-c", ks.toString(), "--name", "Fedora", "--ver", "41",
                "--flavor", "Server", "--destdir", dest.toString(), "--cachedir", dir.resolve("cache").toString(),
                "--bugurl", "https://bugz.fedoraproject.org"));
            args.addAll(List.of(more));
            return args;
        }

        @Test
        void allStagesWriteTheDvdTheNetinstAndWithSourceisosTheSourceDvd() throws Exception {
            Result r = run("pungi", Map.of(), valid("--sourceisos", "--all-stages"));

            assertThat(r.exitCode()).as(r.all()).isZero();
            Path top = dest.resolve("41/Server");
            assertIso(top.resolve(arch + "/iso/Fedora-Server-41-" + arch + "-DVD.iso"), null);
            assertIso(top.resolve(arch + "/iso/Fedora-Server-41-" + arch + "-netinst.iso"), null);
            assertIso(top.resolve("source/iso/Fedora-Server-41-source-DVD.iso"), null);
            assertThat(Files.readString(top.resolve(arch + "/os/Packages/stand-in-package-list.txt")))
                .contains("@core", "kernel");
        }

        @Test
        void nosourceMeansNoSourceDvdAndNoStageMeansAllStages() throws Exception {
            Result r = run("pungi", Map.of(), valid("--sourceisos", "--nosource"));

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertIso(dest.resolve("41/Server/" + arch + "/iso/Fedora-Server-41-" + arch + "-DVD.iso"), null);
            assertThat(dest.resolve("41/Server/source")).doesNotExist();
        }

        /** pungi 4.3.2 gather.py _shortenVolID: shortened family and version, then at most 32 characters. */
        @Test
        void aVolumeIdIsShortenedAndOneStillTooLongIsRefused() throws Exception {
            List<String> fits = new ArrayList<>(valid());
            fits.set(fits.indexOf("Fedora"), "FedoraWorkstation");
            Result ok = run("pungi", Map.of(), fits);
            assertThat(ok.exitCode()).as(ok.all()).isZero();

            List<String> tooLong = new ArrayList<>(valid());
            tooLong.set(tooLong.indexOf("41"), "41.20261205.0.respin");
            Result refused = run("pungi", Map.of(), tooLong);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.stderr()).contains("RuntimeError: Volume ID Fedora-41.20261205.0.respin-" + arch
                + " is longer than 32 characters");
        }

        @Test
        void anExistingTreeNeedsForce() throws Exception {
            Files.createDirectories(dest.resolve("41/Server"));

            Result refused = run("pungi", Map.of(), valid("--all-stages"));
            Result forced = run("pungi", Map.of(), valid("--all-stages", "--force"));

            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.stderr()).contains("Directory " + dest.resolve("41/Server") + " already exists");
            assertThat(forced.exitCode()).as(forced.all()).isZero();
        }

        @Test
        void argparseErrorsExit2() throws Exception {
            Result unknown = run("pungi", Map.of(), valid("--frobnicate"));
            Result noConfig = run("pungi", Map.of(), valid().subList(2, valid().size()));
            Result noDest = run("pungi", Map.of(), List.of("-c", ks.toString(), "-G"));
            Result ambiguous = run("pungi", Map.of(), valid("--no"));
            Result arch = run("pungi", Map.of(), valid("--arch", "aarch64"));

            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.stderr()).contains("pungi: error: unrecognized arguments: --frobnicate");
            assertThat(noConfig.exitCode()).isEqualTo(2);
            assertThat(noConfig.stderr()).contains("pungi: error: the following arguments are required: -c/--config");
            assertThat(noDest.exitCode()).isEqualTo(2);
            assertThat(noDest.stderr()).contains("--destdir is required");
            assertThat(ambiguous.exitCode()).isEqualTo(2);
            assertThat(ambiguous.stderr()).contains("pungi: error: ambiguous option: --no could match");
            assertThat(arch.exitCode()).isEqualTo(2);
            assertThat(arch.stderr()).contains("Cannot override arch while the BuildInstall stage is enabled");
            assertThat(dest).doesNotExist();
        }

        @Test
        void aFlavorThatIsNotAlphanumericIsRefusedAsPungi432RefusesIt() throws Exception {
            // Issue 14: FBS's validator allowed "._-" in a flavor; pungi's get_arguments() wants str.isalnum().
            for (String flavor : List.of("Server-Edition", "Server.1", "Server_1")) {
                Result r = run("pungi", Map.of(), valid("--flavor", flavor));

                assertThat(r.exitCode()).as(flavor).isEqualTo(2);
                assertThat(r.stderr()).as(flavor).contains("pungi: error: Variant must be alphanumeric");
            }
            assertThat(run("pungi", Map.of(), valid("--flavor", "Server2", "-G")).exitCode()).isZero();
            assertThat(dest.resolve("41/Server2")).isDirectory();
        }

        @Test
        void aNameWithASpaceGivesIsoFileNamesWithASpaceAsPungiDoes() throws Exception {
            // Issue 14: pungi takes such a name (iso_basename is "NAME-FLAVOR"); FBS's staging refuses the file
            // name afterwards, so FBS must refuse the name at submit.
            List<String> args = valid();
            args.set(args.indexOf("--name") + 1, "Fedora Server");

            Result r = run("pungi", Map.of(), args);

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertIso(dest.resolve("41/Server/" + arch + "/iso/Fedora Server-Server-41-" + arch + "-DVD.iso"), null);
        }

        @Test
        void aSingleStageTurnsTheOthersOffEvenWithAllStages() throws Exception {
            Result r = run("pungi", Map.of(), valid("--all-stages", "-G"));

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(dest.resolve("41/Server/" + arch + "/os/Packages")).isDirectory();
            assertThat(dest.resolve("41/Server/" + arch + "/iso")).doesNotExist();
        }

        @Test
        void theKickstartNeedsARepoAndTheIsoStageNeedsATree() throws Exception {
            Result createIsoAlone = run("pungi", Map.of(), valid("-I"));
            Files.writeString(ks, "%packages\n@core\n%end\n");
            Result noRepo = run("pungi", Map.of(), valid("--all-stages"));

            assertThat(createIsoAlone.exitCode()).isEqualTo(1);
            assertThat(createIsoAlone.stderr()).contains("run the -G, -C and -B stages first");
            assertThat(noRepo.exitCode()).isEqualTo(1);
            assertThat(noRepo.stderr()).contains("No repos defined in kickstart");
        }

        @Test
        void rootIsRequiredWhenAsked() throws Exception {
            Files.setPosixFilePermissions(ks, PosixFilePermissions.fromString("rw-r--r--"));
            Result r = run(asNobody("pungi"), Map.of("FBS_STANDIN_REQUIRE_ROOT", "1"), valid("--all-stages"));

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("You must run pungi as root");
        }
    }

    // ---- pungi 4.8 and later (gather only) ---------------------------------------------------------------------

    @Nested
    class Pungi49 {

        Path ks;
        Path dest;

        @BeforeEach
        void kickstart() throws Exception {
            ks = StandInImageToolsTest.this.kickstart("dvd.ks", "repo --name=fedora --baseurl=" + FEDORA_URL
                + "\n%packages\n@core\nkernel\n%end\n");
            dest = dir.resolve("dest");
        }

        List<String> dvdCommandLine(String... more) {
            List<String> args = new ArrayList<>(List.of("-c", ks.toString(), "--name", "Fedora", "--ver", "41",
                "--flavor", "Server", "--destdir", dest.toString(), "--cachedir", dir.resolve("cache").toString(),
                "--bugurl", "https://bugz.fedoraproject.org", "--nosource", "--all-stages"));
            args.addAll(List.of(more));
            return args;
        }

        @Test
        void theLegacyDvdCommandLineBuildsNothingAndExits0BecauseVerIsReadAsVersion() throws Exception {
            // Issue 14: argparse takes --ver as an abbreviation of --version, prints the version and exits 0.
            Result r = run("pungi-4.9", Map.of(), dvdCommandLine());

            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).isEqualTo("pungi-4.9.0-1.fc41.noarch\n");
            assertThat(dest).doesNotExist();
        }

        @Test
        void theOptionsPungi48RemovedAreUnknown() throws Exception {
            for (List<String> removed : List.of(List.of("--name", "Fedora"), List.of("--flavor", "Server"),
                List.of("--bugurl", "https://bugz.fedoraproject.org"), List.of("--all-stages"), List.of("-C"),
                List.of("-B"), List.of("-I"), List.of("--sourceisos"))) {
                List<String> args = new ArrayList<>(List.of("-c", ks.toString(), "--destdir", dest.toString(),
                    "--cachedir", dir.resolve("cache").toString()));
                args.addAll(removed);

                Result r = run("pungi-4.9", Map.of(), args);

                assertThat(r.exitCode()).as("%s", removed).isEqualTo(2);
                assertThat(r.stderr()).as("%s", removed)
                    .contains("pungi: error: unrecognized arguments: " + String.join(" ", removed));
            }
            assertThat(dest).doesNotExist();
        }

        @Test
        void aGatherOnlyCommandLineGathersAndMakesNoIso() throws Exception {
            Result r = run("pungi-4.9", Map.of(), List.of("-c", ks.toString(), "--destdir", dest.toString(),
                "--cachedir", dir.resolve("cache").toString(), "--nosource", "-G"));

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.stdout()).contains("All done!");
            assertThat(Files.readString(dest.resolve("gathered-packages.txt"))).contains("@core", "kernel");
            try (Stream<Path> files = Files.walk(dest)) {
                assertThat(files).noneMatch(f -> f.toString().endsWith(".iso"));
            }
        }
    }

    // ---- ksflatten --------------------------------------------------------------------------------------------

    @Nested
    class Ksflatten {

        @Test
        void includesAreExpandedRecursivelyFromTheWorkingDirectory() throws Exception {
            Files.writeString(cwd.resolve("base.ks"), "lang en_US.UTF-8\n%include packages.ks\n");
            Files.writeString(cwd.resolve("packages.ks"), "%packages\nbash\n%end\n");
            Files.writeString(cwd.resolve("main.ks"), "url --url=" + FEDORA_URL + "\n%include base.ks\nrootpw --lock\n");

            Result r = run("ksflatten", Map.of(), List.of("-c", "main.ks", "-o", "flat.ks"));

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(Files.readString(cwd.resolve("flat.ks"))).endsWith(
                "url --url=" + FEDORA_URL + "\nlang en_US.UTF-8\n%packages\nbash\n%end\nrootpw --lock\n");
        }

        @Test
        void withoutOutputItPrintsTheFlatKickstart() throws Exception {
            Files.writeString(cwd.resolve("main.ks"), "rootpw --lock\n");

            Result r = run("ksflatten", Map.of(), List.of("--config=main.ks"));

            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).endsWith("rootpw --lock\n");
        }

        @Test
        void aMissingOrLoopingIncludeFails() throws Exception {
            Files.writeString(cwd.resolve("missing.ks"), "%include nowhere.ks\n");
            Files.writeString(cwd.resolve("loop.ks"), "%include loop2.ks\n");
            Files.writeString(cwd.resolve("loop2.ks"), "%include loop.ks\n");

            Result missing = run("ksflatten", Map.of(), List.of("-c", "missing.ks", "-o", "out.ks"));
            Result loop = run("ksflatten", Map.of(), List.of("-c", "loop.ks", "-o", "out.ks"));

            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.stderr()).contains("Failed to read kickstart file 'missing.ks'", "nowhere.ks");
            assertThat(loop.exitCode()).isEqualTo(1);
            assertThat(loop.stderr()).contains("loops back to itself");
            assertThat(cwd.resolve("out.ks")).doesNotExist();
        }

        @Test
        void argumentErrors() throws Exception {
            Result noConfig = run("ksflatten", Map.of(), List.of("-o", "out.ks"));
            Result noFile = run("ksflatten", Map.of(), List.of("-c", "absent.ks"));
            Result emptyConfig = run("ksflatten", Map.of(), List.of("--config="));
            Result unknown = run("ksflatten", Map.of(), List.of("-c", "absent.ks", "--strict"));
            Result badSyntax = run("ksflatten", Map.of(), List.of("-c", "absent.ks", "-v", "F99x"));
            Result programVersion = run("ksflatten", Map.of(), List.of("--version"));

            assertThat(noConfig.exitCode()).isEqualTo(2);
            assertThat(noConfig.stderr()).contains("the following arguments are required: -c/--config");
            assertThat(noFile.exitCode()).isEqualTo(1);
            assertThat(noFile.stderr()).contains("Failed to read kickstart file 'absent.ks'");
            assertThat(emptyConfig.exitCode()).isEqualTo(1);
            assertThat(emptyConfig.stderr()).contains("Need to specify a config to flatten");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.stderr()).contains("unrecognized arguments: --strict");
            assertThat(badSyntax.exitCode()).isEqualTo(1);
            assertThat(badSyntax.stdout()).contains("The version F99x is not supported by pykickstart");
            // ksflatten's -v/--version names the kickstart syntax; the program has no option printing its version
            assertThat(programVersion.exitCode()).isEqualTo(2);
            assertThat(programVersion.stderr()).contains("argument --version: expected one argument");
        }
    }

    // ---- what every building stand-in shares ------------------------------------------------------------------

    /** The arguments that make {@code tool} build, in a fresh layout under {@code dir}. */
    List<String> building(String tool) throws IOException {
        return switch (tool) {
            case "livemedia-creator" -> lmcArgs(kickstart("flat.ks", liveKickstart()), dir.resolve("results"));
            case "kiwi-ng" -> kiwiArgs(kiwiDescription(), dir.resolve("kiwi-out"));
            case "pungi" -> {
                Path ks = kickstart("dvd.ks", "repo --name=fedora --baseurl=" + FEDORA_URL + "\n");
                yield List.of("-c", ks.toString(), "--destdir", dir.resolve("dest").toString(), "--cachedir",
                    dir.resolve("cache").toString(), "--all-stages");
            }
            case "pungi-4.9" -> {
                Path ks = kickstart("dvd.ks", "repo --name=fedora --baseurl=" + FEDORA_URL + "\n");
                yield List.of("-c", ks.toString(), "--destdir", dir.resolve("dest").toString(), "--cachedir",
                    dir.resolve("cache").toString(), "-G");
            }
            default -> throw new IllegalArgumentException(tool);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"livemedia-creator", "kiwi-ng", "pungi", "pungi-4.9"})
    void toldToFailItPrintsProgressThenFailsWithoutAnIso(String tool) throws Exception {
        Result r = run(tool, Map.of("FBS_STANDIN_FAIL", "1"), building(tool));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.all()).contains("stand-in for FBS tests", "ERROR: stand-in told to fail");
        assertThat(r.all().indexOf("stand-in for FBS tests")).isLessThan(r.all().indexOf("told to fail"));
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files).noneMatch(p -> p.toString().endsWith(".iso"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"livemedia-creator", "kiwi-ng", "pungi", "pungi-4.9"})
    void itsChildLivesAsLongAsItAndOnlyAKillOfTheTreeEndsItAfterATerm(String tool) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(STANDINS.resolve(tool).toString())))
            .directory(cwd.toFile()).redirectErrorStream(true);
        pb.command().addAll(building(tool));
        pb.environment().put("FBS_STANDIN_SLEEP", "30");
        Process process = pb.start();
        ProcessHandle child = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null && child == null; line = out.readLine()) {
                Matcher m = CHILD.matcher(line);
                if (m.find()) {
                    child = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
                }
            }
            assertThat(child).as("the stand-in says which child it started").isNotNull();
            assertThat(child.parent().map(ProcessHandle::pid)).hasValue(process.pid());
            assertThat(process.descendants()).contains(child);

            process.destroy(); // SIGTERM to the stand-in alone, as a careless worker would send
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.isAlive()).as("a TERM to the tool alone leaves its child behind").isTrue();
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            process.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"livemedia-creator", "kiwi-ng", "pungi", "pungi-4.9"})
    void aNormalEndTakesItsChildAlong(String tool) throws Exception {
        Result r = run(tool, Map.of(), building(tool));

        assertThat(r.exitCode()).as(r.all()).isZero();
        Matcher m = CHILD.matcher(r.all());
        assertThat(m.find()).isTrue();
        long pid = Long.parseLong(m.group(1));
        ProcessHandle.of(pid).ifPresent(h -> assertThat(h.onExit()).succeedsWithin(java.time.Duration.ofSeconds(5)));
    }

    /** What each real tool prints for its version option (a worker's tool probe parses these lines). */
    @ParameterizedTest
    @CsvSource({
        "livemedia-creator, -V,        livemedia-creator-46.0",
        "kiwi-ng,           --version, KIWI (next generation) version 9.24.56",
        "kiwi-ng,           -v,        KIWI (next generation) version 9.24.56",
        "pungi,             --version, pungi-4.3.2-1.fc38.noarch",
        "pungi-4.9,         --version, pungi-4.9.0-1.fc41.noarch",
        "pungi-4.9,         --ver,     pungi-4.9.0-1.fc41.noarch"})
    void aVersionIsCheapToAskForAndReadsAsTheRealToolsDoes(String tool, String option, String line) throws Exception {
        Result r = run(tool, Map.of(), List.of(option));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(line + "\n");
    }

    @Test
    void theVersionNumberCanBeChosenForProbeTests() throws Exception {
        Map<String, String> env = Map.of("FBS_STANDIN_VERSION", "4.7.0");

        assertThat(run("pungi-4.9", env, List.of("--version")).stdout()).isEqualTo("pungi-4.7.0-1.fc41.noarch\n");
        assertThat(run("livemedia-creator", Map.of("FBS_STANDIN_VERSION", "31.1"), List.of("-V")).stdout())
            .isEqualTo("livemedia-creator-31.1\n");
    }
}
