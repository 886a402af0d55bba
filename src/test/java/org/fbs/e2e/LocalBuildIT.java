package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.TestTools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fbs build SPEC} as a user runs it: the launcher script, the packaged jar, a real JVM, no master and no
 * cluster. lorax is the test stand-in of src/test/standins (it checks lorax's options and writes a real ISO with
 * xorriso; it is not lorax).
 */
class LocalBuildIT {

    private static final Path LORAX = Path.of(System.getProperty("fbs.standins", "src/test/standins"), "lorax")
        .toAbsolutePath();

    @TempDir
    Path dir;

    private Path config;
    private Path images;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void writeConfig() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        config = Files.writeString(dir.resolve("node.yaml"), """
            worker:
              work-dir: %1$s/work
              staging-roots: [%1$s]
            %2$s""".formatted(dir, TestTools.yaml(Map.of("lorax", LORAX.toString()), 2)));
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bin/fbs"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
            .redirectError(dir.resolve("err").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private Run fbs(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process process = start(env, args);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return ended(process);
    }

    private Run ended(Process process) throws IOException {
        return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
            Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private Path bootSpec() throws IOException {
        return Files.writeString(dir.resolve("boot.conf"),
            "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=" + images.toUri() + "\n[boot]\nproduct=Fedora\n");
    }

    @Test
    void aBootBuildStagesARealIsoWhoseChecksumItPrintsAndExits0() throws Exception {
        Run run = fbs(Map.of(), "build", bootSpec().toString(), "--config", config.toString());

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("== image ==", "Lorax stand-in for FBS tests", "creating boot.iso",
            "build 1 succeeded; its files:");
        Path iso = images.resolve("Fedora-x86_64-41-local-1/boot.iso");
        Matcher printed = Pattern.compile("^  boot\\.iso  ([0-9]+) bytes  sha256 ([0-9a-f]{64})  (\\S+)$",
            Pattern.MULTILINE).matcher(run.out());
        assertThat(printed.find()).as(run.out()).isTrue();
        assertThat(printed.group(3)).isEqualTo(iso.toUri().toString());
        byte[] bytes = Files.readAllBytes(iso);
        // An ISO 9660 image: its first volume descriptor (sector 16) starts with its type byte, then "CD001".
        assertThat(new String(bytes, 32769, 5, StandardCharsets.US_ASCII)).isEqualTo("CD001");
        assertThat(Long.parseLong(printed.group(1))).isEqualTo(bytes.length);
        assertThat(printed.group(2))
            .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(images.resolve("Fedora-x86_64-41-local-1/CHECKSUM")).content()
            .contains("SHA256 (boot.iso) = " + printed.group(2));
    }

    @Test
    void aFailingToolMakesItExitNonZeroSayingWhy() throws Exception {
        Run run = fbs(Map.of("FBS_STANDIN_FAIL", "1"), "build", bootSpec().toString(), "--config", config.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("fbs build: build 1 failed in its image stage: lorax exited with status 1;")
            .contains("ERROR: stand-in told to fail").doesNotContain("\tat ");
        assertThat(images).isEmptyDirectory();
    }

    @Test
    void aBadSpecExits1ListingItsErrorsAndAMissingFileExits2() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.conf"), "[DEFAULT]\ntype=dvd\narch=x86_64\nrelease=forty\n");

        Run badRun = fbs(Map.of(), "build", bad.toString(), "--config", config.toString());
        Run missing = fbs(Map.of(), "build", dir.resolve("nope.conf").toString());

        assertThat(badRun.code()).isEqualTo(1);
        assertThat(badRun.err().lines()).hasSizeGreaterThan(1).allMatch(line -> line.startsWith(bad + ": ["));
        assertThat(badRun.err()).contains("[DEFAULT] release: ", "[dvd] config: ");
        assertThat(missing).isEqualTo(new Run(2, "", "fbs build: " + dir.resolve("nope.conf") + ": no such file\n"));
    }

    @Test
    void stoppedWhileTheToolRunsItStopsTheToolAndStagesTheLog() throws Exception {
        Process fbs = start(Map.of("FBS_STANDIN_SLEEP", "60"), "build", bootSpec().toString(),
            "--config", config.toString());
        ProcessHandle lorax = awaitLorax(fbs);

        fbs.destroy(); // SIGTERM; Ctrl-C (SIGINT) takes the same way out, with exit code 130
        assertThat(fbs.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Run run = ended(fbs);
        assertThat(lorax.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(128 + 15);
        assertThat(run.out()).contains("build 1 canceled", "build 1 was interrupted");
        assertThat(run.err()).contains("fbs build: build 1 was interrupted; its tools were stopped");
        assertThat(images.resolve("Fedora-x86_64-41-local-1/build-1.log")).content().contains("build 1 canceled");
    }

    /** The stand-in lorax that {@code fbs} started, once it runs. */
    private static ProcessHandle awaitLorax(Process fbs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            // The build's lorax, not the version probe (lorax -V) that runs first: a TERM then would come before
            // the build has started, and the test would see nothing of it.
            Optional<ProcessHandle> lorax = fbs.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(LORAX.toString())
                    && p.info().commandLine().orElse("").contains("--logfile")).findFirst();
            if (lorax.isPresent()) {
                return lorax.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the stand-in lorax did not start");
    }
}
