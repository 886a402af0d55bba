package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fbs.standins.ToolFixtures;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every image type end to end with real processes: a master and three workers started from the packaged fbs.jar in
 * one cluster on loopback, builds submitted through the REST API, the staged ISOs checked against their recorded
 * sizes and SHA-256 and against the CHECKSUM file (by {@code sha256sum -c}).
 *
 * Fedora's image tools cannot run here: the workers run the stand-ins in src/test/standins (lorax,
 * livemedia-creator, kiwi-ng, pungi, ksflatten), which check their arguments as the real tools do and write real
 * ISO 9660 images with xorriso. Workers:
 * <ul>
 *   <li>w-all (x86_64/41): every tool;</li>
 *   <li>w-slow (aarch64/41): livemedia-creator and pungi take 40 s, the build timeout is 20 s: cancel and timeout;</li>
 *   <li>w-nopungi (s390x/41): no pungi, so it must never get a dvd build.</li>
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ImageTypesEndToEndIT {

    static final String FEDORA = "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/";
    static final Pattern CHILD = Pattern.compile("stand-in child process ([0-9]+) started");

    @AutoClose
    static E2eCluster cluster;
    static Path staging;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new E2eCluster("types", "w-all", "w-slow", "w-nopungi");
        staging = cluster.staging;
        cluster.startMaster();
        cluster.worker("w-all").allStandIns().setting("build-timeout: 6h").start();
        cluster.worker("w-slow").arch("aarch64").allStandIns().setting("build-timeout: 20s")
            .tool("livemedia-creator", slow("livemedia-creator")).tool("pungi", slow("pungi")).start();
        cluster.worker("w-nopungi").arch("s390x").allStandIns().setting("build-timeout: 6h")
            .tool("pungi", cluster.dir.resolve("absent/pungi").toString()).start();
        cluster.awaitWorkers("w-all", "w-slow", "w-nopungi");
    }

    /** The stand-in {@code tool} taking 40 s (its other tools stay quick, so the time goes where the test wants). */
    static String slow(String tool) throws IOException {
        Path wrapper = cluster.dir.resolve("slow-" + tool);
        Files.writeString(wrapper, "#!/bin/sh\nexport FBS_STANDIN_SLEEP=40\nexec '"
            + E2eCluster.STANDINS.resolve(tool) + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return wrapper.toString();
    }

    // ---- specs ------------------------------------------------------------------------------------------------

    static JsonObject spec(String type, String arch, JsonObject section) {
        return new JsonObject().put("type", type).put("arch", arch).put("release", "41")
            .put("staging", staging.toUri().toString()).put(type, section);
    }

    static JsonObject live(String arch) {
        return spec("live", arch, new JsonObject().put("config", "fedora-live.ks")
            .put("kickstart", ToolFixtures.liveKickstart(FEDORA)));
    }

    static JsonObject dvd(String arch) {
        return spec("dvd", arch, new JsonObject().put("flavor", "Server").put("config", "dvd.ks")
            .put("kickstart", "repo --name=fedora --baseurl=" + FEDORA + "\n%packages\n@core\n%end\n"));
    }

    static JsonObject kiwi(String arch) {
        return spec("live", arch, new JsonObject().put("tool", "kiwi").put("profile", "Workstation-Live")
            .put("config", "Fedora.kiwi").put("kickstart", ToolFixtures.KIWI_DESCRIPTION));
    }

    // ---- the tests --------------------------------------------------------------------------------------------

    @Test
    void everyImageTypeIsBuiltAndStagedWithItsChecksum() throws Exception {
        long boot = cluster.submit(new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
            .put("staging", staging.toUri().toString()));
        long live = cluster.submit(live("x86_64"));
        long kiwi = cluster.submit(kiwi("x86_64"));
        long dvd = cluster.submit(dvd("x86_64"));

        assertStaged(waitForEnd(boot), 1);
        assertStaged(waitForEnd(live), 1);
        assertStaged(waitForEnd(kiwi), 1);
        JsonObject dvdBuild = waitForEnd(dvd);
        assertStaged(dvdBuild, 2); // the DVD and the netinst ISO
        assertThat(dvdBuild.getString("worker")).isEqualTo("w-all");
    }

    @Test
    void aCanceledBuildLeavesNoToolOrChildRunningEndsCanceledAndItsLogIsStaged() throws Exception {
        long id = cluster.submit(live("aarch64"));
        JsonObject running = cluster.awaitBuild(id, b -> b.getString("logUrl") != null, Duration.ofSeconds(60));
        ProcessHandle child = childOf(running.getString("logUrl"));
        ProcessHandle tool = child.parent().orElseThrow();
        assertThat(tool.info().commandLine().orElse("")).contains("livemedia-creator");

        HttpResponse<String> cancel = cluster.postJson("/api/v1/builds/" + id + "/cancel", "");

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        JsonObject canceled = waitForEnd(id);
        assertThat(canceled.getString("state")).isEqualTo("CANCELED");
        assertThat(canceled.getString("reason")).isEqualTo("canceled on request");
        assertThat(tool.onExit()).as("the tool").succeedsWithin(Duration.ofSeconds(15));
        assertThat(child.onExit()).as("its child").succeedsWithin(Duration.ofSeconds(15));
        JsonObject log = canceled.getJsonArray("artifacts").getJsonObject(0);
        assertThat(log.getString("name")).isEqualTo("build-" + id + ".log");
        assertThat(Files.readString(Path.of(URI.create(log.getString("location")))))
            .contains("stand-in child process " + child.pid(), "canceled on request");
        assertThat(cluster.postJson("/api/v1/builds/" + id + "/cancel", "").statusCode()).isEqualTo(409);
    }

    @Test
    void aBuildPastTheWorkersTimeoutEndsFailedWithTheReasonAndNothingLeftRunning() throws Exception {
        long id = cluster.submit(dvd("aarch64"));
        JsonObject running = cluster.awaitBuild(id, b -> b.getString("logUrl") != null, Duration.ofSeconds(60));
        ProcessHandle child = childOf(running.getString("logUrl"));

        JsonObject failed = waitForEnd(id);

        assertThat(failed.getString("state")).isEqualTo("FAILED");
        assertThat(failed.getString("reason")).isEqualTo("the build ran longer than worker.build-timeout (20s) and was"
            + " stopped");
        assertThat(child.onExit()).as("the tool's child").succeedsWithin(Duration.ofSeconds(15));
    }

    @Test
    void aWorkerWithoutPungiNeverGetsADvdBuildButBuildsWhatItCan() throws Exception {
        long dvd = cluster.submit(dvd("s390x"));
        long live = cluster.submit(live("s390x"));

        JsonObject waiting = cluster.awaitBuild(dvd, b -> b.getString("reason") != null, Duration.ofSeconds(30));
        assertStaged(waitForEnd(live), 1);
        assertThat(waitForEnd(live).getString("worker")).isEqualTo("w-nopungi");
        Thread.sleep(6_000); // more than a heartbeat: w-nopungi announced its free slot again meanwhile
        JsonObject still = cluster.build(dvd);
        assertThat(waiting.getString("reason")).isEqualTo("no worker online has a pungi that builds DVDs for s390x/41");
        assertThat(still.getString("state")).isEqualTo("QUEUED");
        assertThat(still.getString("worker")).isNull();
        assertThat(still.getString("reason")).isEqualTo("no worker online has a pungi that builds DVDs for s390x/41");
        String workers = cluster.get(cluster.master + "/api/v1/workers").body();
        assertThat(new JsonObject(workers).getJsonArray("workers").stream().map(JsonObject.class::cast)
            .filter(w -> w.getString("worker").equals("w-nopungi")).findFirst().orElseThrow()
            .getJsonArray("types").getList()).containsExactly("boot", "live", "live-kiwi");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Checks a SUCCEEDED build's staged ISOs against its artifacts and its CHECKSUM file. */
    static void assertStaged(JsonObject build, int isos) throws Exception {
        assertThat(build.getString("state")).as(build.encodePrettily()).isEqualTo("SUCCEEDED");
        List<JsonObject> artifacts = build.getJsonArray("artifacts").stream().map(JsonObject.class::cast).toList();
        List<JsonObject> images = artifacts.stream().filter(a -> a.getString("name").endsWith(".iso")).toList();
        assertThat(images).hasSizeGreaterThanOrEqualTo(isos);
        Path folder = null;
        for (JsonObject artifact : artifacts) {
            Path file = Path.of(URI.create(artifact.getString("location")));
            folder = file.getParent();
            byte[] bytes = Files.readAllBytes(file);
            assertThat((long) bytes.length).isEqualTo(artifact.getLong("size"));
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo(artifact.getString("sha256"));
        }
        for (JsonObject image : images) {
            Path iso = Path.of(URI.create(image.getString("location")));
            assertThat(new String(Files.readAllBytes(iso), 32769, 5, StandardCharsets.US_ASCII)).isEqualTo("CD001");
        }
        Process check = new ProcessBuilder("sha256sum", "-c", "CHECKSUM").directory(folder.toFile())
            .redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(checked).isZero();
        for (JsonObject image : images) {
            assertThat(checked).contains(image.getString("name") + ": OK");
        }
    }

    /** The child the running stand-in reports in its live log. */
    static ProcessHandle childOf(String logUrl) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(end)) {
            Matcher m = CHILD.matcher(cluster.get(logUrl).body());
            if (m.find()) {
                ProcessHandle child = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
                assertThat(child.isAlive()).isTrue();
                return child;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no stand-in child in " + cluster.get(logUrl).body());
    }

    static JsonObject waitForEnd(long id) throws Exception {
        return cluster.awaitEnd(id, Duration.ofSeconds(120));
    }
}
