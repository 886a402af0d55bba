package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The whole path with real processes: a master and two workers started from the packaged fbs.jar, joined in
 * one Hazelcast cluster on loopback, builds submitted through the REST API.
 *
 * The workers run src/test/standins/lorax instead of lorax (which cannot run on Debian): a stand-in that
 * checks its arguments as lorax does (required -p -v -r, at least one -s, output dir must not exist, one
 * value per option) and writes a real ISO 9660 images/boot.iso with xorriso.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterEndToEndIT {

    @AutoClose
    static E2eCluster cluster;
    static Path staging;
    static String master;
    static String x86Worker;
    static String armWorker;
    static List<String> timings = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new E2eCluster("cluster", "w-x86", "w-arm", "w-s390");
        staging = cluster.staging;
        master = cluster.master;
        // The master first: nodes that start together each form a cluster of one and merge only later.
        cluster.startMaster();
        x86Worker = startWorker("w-x86", "x86_64", "41", Map.of());
        // This one's lorax takes a few seconds, so that its log can be followed while it grows.
        armWorker = startWorker("w-arm", "aarch64", "rawhide", Map.of("FBS_STANDIN_SLEEP", "3"));
        cluster.awaitWorkers("w-x86", "w-arm");
    }

    static String startWorker(String id, String arch, String release, Map<String, String> env) throws IOException {
        cluster.worker(id).arch(arch).release(release).env(env).start();
        return cluster.url(id);
    }

    @AfterAll
    static void writeTimings() throws Exception {
        if (!timings.isEmpty()) {
            Files.writeString(Path.of("target", "e2e", "timings.txt"), String.join("\n", timings) + "\n");
        }
    }

    @Test
    @Order(1)
    void eachBuildRunsOnTheWorkerForItsArchAndRelease() throws Exception {
        long x86 = submitIni(bootSpec("x86_64", "41"));
        long arm = submitJson(new JsonObject().put("type", "boot").put("arch", "aarch64").put("release", "rawhide")
            .put("staging", staging.toUri().toString()));

        // Follow the aarch64 build's log while it runs: the stream ends by itself when the build ends.
        JsonObject armRunning = cluster.awaitBuild(arm, b -> b.getString("logUrl") != null, Duration.ofSeconds(30));
        String followed = cluster.get(armRunning.getString("logUrl") + "&follow=true").body();
        assertThat(followed).contains("== image ==", "creating boot.iso", "build " + arm + " succeeded");

        JsonObject x86Build = cluster.awaitEnd(x86, Duration.ofSeconds(60));
        JsonObject armBuild = cluster.awaitEnd(arm, Duration.ofSeconds(60));
        assertSucceededOn(x86Build, "w-x86", x86Worker, "x86_64", "41");
        assertSucceededOn(armBuild, "w-arm", armWorker, "aarch64", "rawhide");
        assertThat(followed).isEqualTo(cluster.get(armBuild.getString("logUrl")).body());
        // The worker serves nobody a log without the master's link.
        assertThat(cluster.get(armWorker + "/log/" + arm).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(2)
    void aBuildWithNoWorkerWaitsWithTheReasonAndRunsWhenOneJoins() throws Exception {
        long id = submitIni(bootSpec("s390x", "41"));
        JsonObject waiting = cluster.awaitBuild(id, b -> b.getString("reason") != null, Duration.ofSeconds(20));
        assertThat(waiting.getString("state")).isEqualTo("QUEUED");
        assertThat(waiting.getString("reason")).isEqualTo("no worker online for s390x/41");

        String s390Worker = startWorker("w-s390", "s390x", "41", Map.of());
        JsonObject done = cluster.awaitEnd(id, Duration.ofSeconds(90));
        assertSucceededOn(done, "w-s390", s390Worker, "s390x", "41");
    }

    @Test
    @Order(3)
    void theLogEndpointKnowsOnlyBuildIds() throws Exception {
        List<String> tricks = List.of(
            "/log/../../etc/passwd",
            "/log/..%2f..%2fetc%2fpasswd",
            "/log/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/log/..%252f..%252fetc%252fpasswd",
            "/log/1%2f..%2f..%2f..%2fetc%2fpasswd",
            "/log//etc/passwd",
            "/log/%2fetc%2fpasswd",
            "/log/1.log",
            "/log/-1",
            "/log/1%00",
            "/log/",
            "/etc/passwd",
            "/../../etc/passwd");
        for (String trick : tricks) {
            String answer = rawGet(x86Worker, trick);
            assertThat(answer).as(trick).startsWith("HTTP/1.1 404").doesNotContain("root:");
        }
        // A well-formed id without the master's link: refused before anything is looked up.
        assertThat(rawGet(x86Worker, "/log/99999999")).startsWith("HTTP/1.1 403");
    }

    @Test
    @Order(4)
    void badSpecsAreRefusedWithTheKeyAndNothingIsStored() throws Exception {
        int before = cluster.builds().size();
        HttpResponse<String> bad = post("text/plain", "[DEFAULT]\ntype=boot\narch=x86\nrelease=41\n");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getJsonArray("errors").encode()).contains("[DEFAULT] arch");
        assertThat(post("application/json", "{not json").statusCode()).isEqualTo(400);
        assertThat(post("application/xml", "<spec/>").statusCode()).isEqualTo(415);
        assertThat(cluster.get(master + "/api/v1/builds/abc").statusCode()).isEqualTo(404);
        assertThat(cluster.builds()).hasSize(before);
    }

    /** Not a speed assertion: records submit-to-RUNNING for warm nodes, for the figures in the closing notes. */
    @Test
    @Order(5)
    void repeatedBuildsAllSucceedAndTheirDispatchTimesAreRecorded() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long id = submitIni(bootSpec("x86_64", "41"));
            JsonObject build = cluster.awaitEnd(id, Duration.ofSeconds(60));
            assertThat(build.getString("state")).isEqualTo("SUCCEEDED");
            millis.add(millisBetween(build, "QUEUED", "RUNNING"));
        }
        List<Long> sorted = millis.stream().sorted().toList();
        timings.add("10 warm builds on w-x86, submit to RUNNING: min %d ms, median %d ms, max %d ms"
            .formatted(sorted.get(0), sorted.get(5), sorted.get(9)));
    }

    // --- helpers ---

    static String bootSpec(String arch, String release) {
        return """
            # written as the 2012 users wrote theirs
            [DEFAULT]
            type=boot
            arch=%s
            release=%s
            staging=%s
            email=
            [boot]
            product=Fedora
            proxy=
            bid=
            outdir=/tmp/lorax_op
            workdir=/tmp/lorax_work
            """.formatted(arch, release, staging.toUri());
    }

    void assertSucceededOn(JsonObject build, String workerId, String workerUrl, String arch, String release)
        throws Exception {
        long id = build.getLong("id");
        assertThat(build.getString("state")).as(build.encodePrettily()).isEqualTo("SUCCEEDED");
        assertThat(build.getString("worker")).isEqualTo(workerId);
        assertThat(build.getString("logUrl")).startsWith(workerUrl + "/log/" + id + "?expires=").contains("&sig=");

        JsonObject iso = build.getJsonArray("artifacts").stream().map(JsonObject.class::cast)
            .filter(a -> a.getString("name").equals("boot.iso")).findFirst().orElseThrow();
        Path staged = Path.of(URI.create(iso.getString("location")));
        assertThat(staged).isEqualTo(staging.resolve("Fedora-" + arch + "-" + release + "-" + id).resolve("boot.iso"));
        byte[] bytes = Files.readAllBytes(staged);
        assertThat((long) bytes.length).isEqualTo(iso.getLong("size"));
        assertThat(new String(bytes, 32769, 5, StandardCharsets.US_ASCII)).isEqualTo("CD001");
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
            .isEqualTo(iso.getString("sha256"));

        HttpResponse<String> log = cluster.get(build.getString("logUrl"));
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.body()).contains("--buildarch " + arch, "staged boot.iso", "build " + id + " succeeded");

        List<String> states = build.getJsonArray("history").stream().map(JsonObject.class::cast)
            .map(h -> h.getString("state")).distinct().toList();
        assertThat(states).containsExactly("QUEUED", "ASSIGNED", "RUNNING", "SUCCEEDED");
        timings.add("build %d (%s/%s on %s): submit to RUNNING %d ms".formatted(id, arch, release, workerId,
            millisBetween(build, "QUEUED", "RUNNING")));
    }

    static long millisBetween(JsonObject build, String from, String to) {
        Instant a = null;
        Instant b = null;
        for (Object o : build.getJsonArray("history")) {
            JsonObject h = (JsonObject) o;
            if (a == null && h.getString("state").equals(from)) {
                a = Instant.parse(h.getString("at"));
            }
            if (b == null && h.getString("state").equals(to)) {
                b = Instant.parse(h.getString("at"));
            }
        }
        return Duration.between(a, b).toMillis();
    }

    static long submitIni(String ini) throws Exception {
        return created(post("text/plain", ini));
    }

    static long submitJson(JsonObject spec) throws Exception {
        return created(post("application/json", spec.encode()));
    }

    /** Beyond the 201 {@link E2eCluster#submit} checks: the Location header and the state. */
    static long created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonObject build = new JsonObject(response.body());
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/builds/" + build.getLong("id"));
        assertThat(build.getString("state")).isEqualTo("QUEUED");
        return build.getLong("id");
    }

    static HttpResponse<String> post(String contentType, String body) throws Exception {
        return cluster.post("/api/v1/builds", contentType, body);
    }

    /** A GET with the request target sent byte for byte as given (HTTP clients would normalize it). */
    static String rawGet(String base, String target) throws IOException {
        URI uri = URI.create(base);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
