package org.fbs.worker;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.WorkerSettingsBuilder;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.WorkerSettings;
import org.fbs.ops.NodeMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a worker's HTTP port serves: the log of a known build id, kept artifacts, health; every path trick on /log and
 * every other path is a 404, never another file, never a 500. A log or a file opens only with a link the master
 * signed for that build and path, not expired: anyone else who guesses the sequential ids gets a 403.
 */
class WorkerPortTest {

    static final String STANDIN_LORAX = Path.of(System.getProperty("fbs.standins", "src/test/standins"))
        .resolve("lorax").toAbsolutePath().toString();
    /** A file beside the logs folder that no URL may reach. */
    static final String SECRET = "not-for-the-web-3f9a";

    @TempDir
    Path workDir;
    final Vertx vertx = Vertx.vertx();
    int port;
    /** The worker's clock: links are checked against it, so expiry is tested without waiting. */
    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    final LinkSigner master = new LinkSigner(SECRET_BYTES, Clock.fixed(NOW, ZoneOffset.UTC));
    static final byte[] SECRET_BYTES = "a cluster secret of 32 bytes or more".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws Exception {
        port = freePort();
        WorkerSettings settings = WorkerSettingsBuilder.worker(workDir).id("w-port").httpPort(port)
            .tools(Map.of("lorax", STANDIN_LORAX)).build();
        await(WorkerRole.deploy(vertx, settings, NodeMetrics.newRegistry(), () -> { }, master));
        try (BuildLog log = BuildLog.open(settings.logsDir(), 1, vertx.eventBus(), new LiveLogs(), 8192)) {
            log.line("the log of build 1");
        }
        try (BuildLog log = BuildLog.open(settings.logsDir(), 2, vertx.eventBus(), new LiveLogs(), 8192)) {
            log.line("the log of build 2, someone else's");
        }
        Files.writeString(workDir.resolve("secret.log"), SECRET);
        Files.writeString(workDir.resolve("logs").resolve("notes.txt"), SECRET);
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void aKnownBuildIdServesItsLogWithTheMastersLink() throws Exception {
        String answer = get(signed("/log/1", 1));
        assertThat(answer).startsWith("HTTP/1.1 200").contains("the log of build 1");
        assertThat(get(signed("/log/1", 1) + "&follow=false")).startsWith("HTTP/1.1 200");
    }

    @Test
    void withoutALinkNothingOpensAndTheAnswerSaysNothingOfWhatExists() throws Exception {
        // Anyone on the network counting ids: an existing log, a missing one, a file, all the same 403.
        for (String path : List.of("/log/1", "/log/2", "/log/3", "/log/1?follow=true", "/artifacts/1/boot.iso",
            "/artifacts/2/build-2.log")) {
            String answer = get(path);
            assertThat(answer).as(path).startsWith("HTTP/1.1 403").doesNotContain("the log of build")
                .contains("not signed by the master");
        }
        assertThat(request("HEAD", "/artifacts/1/boot.iso")).startsWith("HTTP/1.1 403");
    }

    @Test
    void aLinkForBuild1DoesNotOpenBuild2() throws Exception {
        String query = master.linkQuery(1, "/log/1", NOW.plusSeconds(60));
        assertThat(get("/log/2?" + query)).startsWith("HTTP/1.1 403").doesNotContain("someone else's");
        assertThat(get("/artifacts/2/build-2.log?" + query)).startsWith("HTTP/1.1 403");
        assertThat(get("/artifacts/1/build-1.log?" + query)).as("another path of the same build")
            .startsWith("HTTP/1.1 403");
        // Made by the master for build 2 (and not for 1), the same path opens.
        assertThat(get(signed("/log/2", 2))).startsWith("HTTP/1.1 200").contains("someone else's");
    }

    @Test
    void anExpiredOrAlteredLinkIs403() throws Exception {
        assertThat(get("/log/1?" + master.linkQuery(1, "/log/1", NOW.minusSeconds(1)))).as("expired a second ago")
            .startsWith("HTTP/1.1 403");
        assertThat(get("/log/1?" + master.linkQuery(1, "/log/1", NOW))).as("expires this second")
            .startsWith("HTTP/1.1 200");
        String good = master.linkQuery(1, "/log/1", NOW.plusSeconds(60));
        String sig = good.substring(good.indexOf("sig=") + 4);
        long expires = NOW.plusSeconds(60).getEpochSecond();
        char flipped = sig.charAt(0) == 'A' ? 'B' : 'A';
        for (String query : List.of(
            "expires=" + expires + "&sig=" + flipped + sig.substring(1),           // signature altered
            "expires=" + (expires + 86_400) + "&sig=" + sig,                        // expiry pushed on
            "expires=" + expires,                                                    // no signature
            "sig=" + sig,                                                            // no expiry
            "expires=" + expires + "&sig=",                                          // empty signature
            "expires=-1&sig=" + sig,
            "expires=" + expires + "&sig=" + sig.substring(0, sig.length() - 1))) { // cut short
            assertThat(get("/log/1?" + query)).as(query).startsWith("HTTP/1.1 403");
        }
        // A link made with another secret (another cluster's) opens nothing.
        LinkSigner stranger = new LinkSigner(LinkSigner.newSecret(), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(get("/log/1?" + stranger.linkQuery(1, "/log/1", NOW.plusSeconds(60)))).startsWith("HTTP/1.1 403");
    }

    @Test
    void pathTricksOnTheLogAnswer404() throws Exception {
        List<String> tricks = List.of(
            "/log/../secret.log",
            "/log/..%2fsecret.log",
            "/log/%2e%2e/secret.log",
            "/log/%2e%2e%2fsecret.log",
            "/log/%252e%252e%252fsecret.log",
            "/log/..%252fsecret.log",
            "/log/..%5csecret.log",
            "/log/..\\secret.log",
            "/log/1/../../secret.log",
            "/log/1/../../../../etc/passwd",
            "/log//etc/passwd",
            "/log/%2fetc%2fpasswd",
            "/log/%2F..%2F..%2Fsecret.log",
            "/log/1%00",
            "/log/1%00.txt",
            "/log/%c0%ae%c0%ae/secret.log",
            "/log/%c0%ae%c0%ae%c0%afsecret.log",
            "/log/%e0%80%ae%e0%80%ae/secret.log",
            "/log/1.log",
            "/log/notes.txt",
            "/log/-1",
            "/log/01",
            "/log/0",
            "/log/+1",
            "/log/1e3",
            "/log/0x1",
            "/log/" + "9".repeat(19),
            "/log/" + "1".repeat(1000),
            "/log/2",
            "/log/999999999999999999",
            "/log/",
            "/log",
            "/log/1/",
            "/log/1;x=../../secret.log",
            "/log/%31",
            "/log/1?follow=../../secret.log&id=../secret.log",
            "/log/..;/secret.log",
            "/log/~root",
            "/log/file:%2f%2f%2fetc%2fpasswd");
        assertThat(tricks).hasSizeGreaterThanOrEqualTo(20);
        // Each trick carries a good link for build 1, so that the path check, not the signature, is what refuses it.
        String link = master.linkQuery(1, "/log/1", NOW.plusSeconds(60));
        for (String trick : tricks) {
            String answer = get(trick + (trick.contains("?") ? "&" : "?") + link);
            assertThat(answer).as(trick).doesNotContain(SECRET).doesNotContain("root:x:0:0");
            if (trick.equals("/log/%31") || trick.startsWith("/log/1?")) {
                // %31 is "1" (an unreserved character, decoded), and an unknown query is ignored: build 1's own log.
                assertThat(answer).as(trick).startsWith("HTTP/1.1 200").contains("the log of build 1");
            } else if (trick.equals("/log/2") || trick.equals("/log/999999999999999999")) {
                assertThat(answer).as(trick + ": build 1's link").startsWith("HTTP/1.1 403");
            } else {
                assertThat(answer).as(trick).startsWith("HTTP/1.1 404");
            }
        }
    }

    @Test
    void otherPathsOnTheWorkerPortAnswer404() throws Exception {
        for (String path : List.of("/", "/secret.log", "/logs/1.log", "/metrics", "/api/v1/builds", "/artifacts/",
            "/artifacts/1/../../secret.log", "/artifacts/..%2fsecret.log", "/LOG/1", "/work/secret.log",
            "/%2e%2e/secret.log", "/healthz/../secret.log")) {
            String answer = get(path);
            assertThat(answer).as(path).startsWith("HTTP/1.1 404").doesNotContain(SECRET);
        }
        assertThat(request("POST", "/log/1")).startsWith("HTTP/1.1 404");
        assertThat(request("DELETE", "/log/1")).startsWith("HTTP/1.1 404");
        assertThat(get("/healthz")).startsWith("HTTP/1.1 200");
    }

    @Test
    void anOverlongRequestLineIsRefusedWithoutAServerError() throws Exception {
        String answer = get("/log/" + "1".repeat(10_000));
        assertThat(answer).matches("(?s)HTTP/1\\.[01] 4[0-9][0-9] .*");
    }

    @Test
    void aHugeRequestHeadIsRefusedAndASilentConnectionIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /log/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + "a".repeat(org.fbs.ops.ConnectionGuard.MAX_HEAD_BYTES) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 431");
        }
        try (Socket silent = new Socket("127.0.0.1", port)) {
            silent.setSoTimeout((int) org.fbs.ops.ConnectionGuard.HEAD_MILLIS + 5_000);
            // The server closes a connection that sends no request: the read ends instead of timing out.
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
        }
    }

    /** {@code path} with the query the master would add to it for build {@code id}, valid a minute. */
    private String signed(String path, long id) {
        return path + "?" + master.linkQuery(id, path, NOW.plusSeconds(60));
    }

    private String get(String target) throws IOException {
        return request("GET", target);
    }

    /** Sends the request target byte for byte (HTTP clients would normalize it). */
    private String request(String method, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
