package org.fbs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.TestTools;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fbs.Main;
import org.fbs.standins.ToolFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fbs build} in this JVM, through Main's command line. The image tools are the test stand-ins of
 * src/test/standins (they check the real tools' options and write real ISOs with xorriso; they are not the tools).
 */
class BuildCommandTest {

    private static final Path STANDINS = Path.of("src/test/standins").toAbsolutePath();
    private static final Pattern ARTIFACT = Pattern.compile("^  (\\S+)  ([0-9]+) bytes  sha256 ([0-9a-f]{64})  (\\S+)$",
        Pattern.MULTILINE);

    @TempDir
    Path dir;

    private HttpServer kickstarts;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void serveKickstarts() throws IOException {
        kickstarts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        kickstarts.createContext("/live.ks", exchange -> {
            byte[] body = ToolFixtures.liveKickstart().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        kickstarts.start();
    }

    @AfterEach
    void stopServer() {
        kickstarts.stop(0);
    }

    private static Run fbs(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A node config whose worker uses the stand-ins, works in {@code dir/work} and may stage under {@code dir}. */
    private Path config(String lorax) throws IOException {
        return Files.writeString(dir.resolve("node.yaml"), """
            worker:
              work-dir: %1$s/work
              staging-roots: [%1$s]
            %2$s""".formatted(dir, TestTools.yaml(Map.of("lorax", lorax,
            "livemedia-creator", STANDINS.resolve("livemedia-creator").toString(),
            "ksflatten", STANDINS.resolve("ksflatten").toString()), 2)));
    }

    private Path spec(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void aBootBuildKeptOnTheMachinePrintsItsLogAndItsFilesAndExits0() throws Exception {
        Path config = config(STANDINS.resolve("lorax").toString());
        Path boot = spec("boot.conf", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n[boot]\nproduct=Fedora\n");

        Run first = fbs("build", boot.toString(), "--config", config.toString());
        Run second = fbs("build", boot.toString(), "--config", config.toString());

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        // The log as it went: ours, the stand-in's own lines, each stage, then the outcome and every file.
        assertThat(first.out()).contains("build 1: boot image for x86_64/41", "== side-repo ==", "== image ==",
            "Lorax stand-in for FBS tests", "creating boot.iso", "== staging ==", "build 1 succeeded; its files:");
        Matcher files = ARTIFACT.matcher(first.out());
        Path kept = dir.resolve("work/local/artifacts/1");
        int found = 0;
        while (files.find()) {
            Path file = kept.resolve(files.group(1));
            assertThat(files.group(4)).isEqualTo(file.toUri().toString());
            assertThat(Long.parseLong(files.group(2))).isEqualTo(Files.size(file));
            assertThat(files.group(3)).isEqualTo(sha256(file));
            found++;
        }
        assertThat(found).as(first.out()).isEqualTo(3); // boot.iso, CHECKSUM, build-1.log
        assertThat(kept.resolve("boot.iso")).isRegularFile();
        // The next build takes the next number: it shares no folder with the first.
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("build 2 succeeded");
        assertThat(dir.resolve("work/local/artifacts/2/boot.iso")).isRegularFile();
        assertThat(sha256(kept.resolve("boot.iso"))).as("the first build's image is untouched").isEqualTo(files
            .reset().results().filter(m -> m.group(1).equals("boot.iso")).findFirst().orElseThrow().group(3));
    }

    @Test
    void aLiveKickstartNamedByUrlIsFetchedAndStagedWithTheImage() throws Exception {
        Path config = config(STANDINS.resolve("lorax").toString());
        Path out = Files.createDirectories(dir.resolve("images"));
        String url = "http://127.0.0.1:" + kickstarts.getAddress().getPort();
        Path live = spec("live.conf", "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\nstaging=" + out.toUri()
            + "\n[live]\nconfig=" + url + "/live.ks\n");
        Path missing = spec("gone.conf", "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n[live]\nconfig=" + url
            + "/gone.ks\n");

        Run run = fbs("build", live.toString(), "--config", config.toString());
        Run gone = fbs("build", missing.toString(), "--config", config.toString());

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        Path folder = out.resolve("Fedora-x86_64-41-local-1");
        assertThat(Files.list(folder).map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".iso")))
            .hasSize(1);
        assertThat(Files.readString(folder.resolve("live.ks"))).contains("@workstation-product-environment");
        assertThat(gone).isEqualTo(new Run(1, "", missing + ": [live] config: could not fetch " + url
            + "/gone.ks: HTTP 404\n"));
    }

    @Test
    void aFailingToolEndsTheBuildWith1AndItsStatusAndLastLines() throws Exception {
        Path failing = Files.writeString(dir.resolve("lorax-failing"), "#!/bin/sh\nexport FBS_STANDIN_FAIL=1\n"
            + "exec '" + STANDINS.resolve("lorax") + "' \"$@\"\n");
        failing.toFile().setExecutable(true);
        Path config = config(failing.toString());
        Path boot = spec("boot.conf", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n");

        Run run = fbs("build", boot.toString(), "--config", config.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("installing runtime packages").endsWith("build 1 failed\n");
        assertThat(run.err()).startsWith("fbs build: build 1 failed in its image stage: lorax exited with status 1;"
            + " its last lines:\n").contains("ERROR: stand-in told to fail")
            .endsWith("fbs build: the whole log is " + dir.resolve("work/local/logs/1.log") + "\n");
        assertThat(dir.resolve("work/local/failed/1")).as("kept for debugging").isDirectory();
    }

    @Test
    void aSpecWithErrorsExits1WithEveryErrorAndRunsNothing() throws Exception {
        Path config = config(STANDINS.resolve("lorax").toString());
        Path bad = spec("bad.conf", "[DEFAULT]\ntype=boot\narch=x86\nrelease=41\nstaging=ftp://\n");

        assertThat(fbs("build", bad.toString(), "--config", config.toString())).isEqualTo(new Run(1, "",
            bad + ": [DEFAULT] arch: unknown arch 'x86' (expected one of x86_64, aarch64, i686, ppc64le, s390x,"
                + " armhfp)\n"
                + bad + ": [DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path\n"));
        assertThat(dir.resolve("work")).doesNotExist();
    }

    @Test
    void aMissingFileABadConfigOrAMissingToolExits2NamingIt() throws Exception {
        Path boot = spec("boot.conf", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n");
        Path badConfig = Files.writeString(dir.resolve("bad.yaml"), "worker:\n  build-timeout: soon\n");
        Path noLorax = config(dir.resolve("no-such-lorax").toString());

        assertThat(fbs("build", dir.resolve("nope.conf").toString()))
            .isEqualTo(new Run(2, "", "fbs build: " + dir.resolve("nope.conf") + ": no such file\n"));
        assertThat(fbs("build", boot.toString(), "--config", dir.resolve("nope.yaml").toString()))
            .isEqualTo(new Run(2, "", "fbs build: config file not found: " + dir.resolve("nope.yaml") + "\n"));
        Run bad = fbs("build", boot.toString(), "--config", badConfig.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("fbs build: " + badConfig + ": worker.build-timeout: ").doesNotContain("\tat ");
        assertThat(fbs("build", boot.toString(), "--config", noLorax.toString())).isEqualTo(new Run(2, "",
            "fbs build: cannot build boot images here: lorax (" + dir.resolve("no-such-lorax")
                + "): not found; install it or set worker.tools.lorax\n"));
    }
}
