package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.e2e.E2eCluster.history;
import static org.fbs.e2e.E2eCluster.isFinal;

import com.icegreen.greenmail.util.GreenMail;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import java.util.stream.Stream;
import org.fbs.staging.EmbeddedFtpServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Operating FBS with real processes: secrets in the config and in a spec never reach an output or a log file; a
 * worker drained with exit finishes its build and exits 0; SIGTERM stops a worker (its tool and the tool's child
 * too, the log kept; its build is queued again, not failed) and a master cleanly, and a master started again on the
 * same data dir has every build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class OperationsEndToEndIT {

    static final String SMTP_PASSWORD = "smtp-Pw-" + UUID.randomUUID();
    static final String OIDC_SECRET = "oidc-Secret-" + UUID.randomUUID();
    static final String TLS_PASSWORD = "tls-Pw-" + UUID.randomUUID();
    /** A real access token of the test's OpenID Connect provider, for an admin: it must never be logged. */
    static String API_TOKEN;
    @AutoClose("shutdown")
    static MockOAuth2Server provider;

    @AutoClose
    static E2eCluster cluster;
    static Path dir;
    static GreenMail smtp;
    @AutoClose
    static EmbeddedFtpServer ftp;
    static long drainedBuild;
    static long queuedBehind;

    @BeforeAll
    static void start() throws Exception {
        cluster = new E2eCluster("ops", "w1", "w2");
        dir = cluster.dir;
        // A TLS password that is set but not used (TLS stays off), to check it is not shown.
        cluster.clusterSetting("tls: {enabled: false, key-store-password: \"" + TLS_PASSWORD + "\"}");
        smtp = cluster.startMail("fbs-mailer", SMTP_PASSWORD);
        // Login is on, as in production: a real provider, and every API call carries one of its access tokens.
        provider = new MockOAuth2Server();
        provider.start();
        API_TOKEN = provider.issueToken("fedora", "fbs", new DefaultOAuth2TokenCallback("fedora", "ops-admin-sub",
            "JWT", List.of("fbs"), Map.of("preferred_username", "ops-admin"), 3600)).serialize();
        cluster.bearer(API_TOKEN);
        ftp = new EmbeddedFtpServer(Files.createDirectories(dir.resolve("ftp")));
        cluster.startMaster("""
              auth:
                oidc: {issuer: "%s", client-id: fbs, client-secret: "%s"}
                admins: [ops-admin]
            """.formatted(provider.issuerUrl("fedora"), OIDC_SECRET), Map.of());
        // The test's FTP server is on loopback, an internal address a worker reaches only when allowed to.
        cluster.worker("w1").env(Map.of("FBS_STANDIN_SLEEP", "2")).setting("ftp: {allowed-hosts: [127.0.0.1]}").start();
        cluster.awaitWorkers("w1");
    }

    @Test
    @Order(1)
    void secretsInTheConfigAndInASpecAppearInNoOutputAndNoLogFile() throws Exception {
        String ftpPassword = URLEncoder.encode(EmbeddedFtpServer.PASSWORD, StandardCharsets.UTF_8);
        JsonObject spec = boot().put("staging", ftp.url(EmbeddedFtpServer.USER, ftpPassword, "/pub"))
            .put("email", "tester@example.org")
            .put("boot", new JsonObject().put("proxy", "http://proxyuser:" + ftpPassword + "@127.0.0.1:3128/"));
        long id = cluster.submit(spec);
        JsonObject done = cluster.awaitEnd(id, Duration.ofSeconds(90));
        assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("SUCCEEDED");
        // The mails went through the SMTP server, logged in with the password.
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (smtp.getReceivedMessages().length < 2 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(smtp.getReceivedMessages()).hasSizeGreaterThanOrEqualTo(2);
        String log = cluster.get(done.getString("logUrl")).body();

        List<String> secrets = List.of(SMTP_PASSWORD, OIDC_SECRET, TLS_PASSWORD, API_TOKEN,
            EmbeddedFtpServer.PASSWORD, ftpPassword);
        List<Path> files = outputsAndLogs();
        assertThat(files).anyMatch(f -> f.toString().endsWith("master.out"))
            .anyMatch(f -> f.toString().endsWith("w1.out")).anyMatch(f -> f.toString().endsWith(id + ".log"));
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(text).as(file + " must not contain " + secret).doesNotContain(secret);
            }
        }
        for (String secret : secrets) {
            assertThat(log).doesNotContain(secret);
            assertThat(done.encode()).doesNotContain(secret);
        }
        assertThat(log).contains("proxyuser:***@");
    }

    @Test
    @Order(2)
    void aWorkerDrainedWithExitFinishesItsBuildThenExitsZero() throws Exception {
        FbsNode w1 = cluster.node("w1");
        drainedBuild = cluster.submit(boot().put("staging", cluster.staging.toUri().toString()));
        cluster.awaitBuild(drainedBuild, b -> "RUNNING".equals(b.getString("state")), Duration.ofSeconds(60));

        HttpResponse<String> drained = cluster.postJson("/api/v1/workers/w1/drain", "{\"exit\": true}");

        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        assertThat(new JsonObject(drained.body()).getBoolean("draining")).isTrue();
        queuedBehind = cluster.submit(boot().put("staging", cluster.staging.toUri().toString())
            .put("email", "behind@example.org"));
        assertThat(w1.exitCode(90)).as(w1.output()).isEqualTo(0);
        assertThat(cluster.awaitEnd(drainedBuild, Duration.ofSeconds(10)).getString("state"))
            .isEqualTo("SUCCEEDED");
        assertThat(w1.output()).contains("draining: will exit once its builds are done",
            "w1 drained: no builds left, every event acknowledged; exiting", "fbs stopped cleanly");
        JsonObject behind = cluster.get(cluster.master + "/api/v1/builds/" + queuedBehind).statusCode() == 200
            ? new JsonObject(cluster.get(cluster.master + "/api/v1/builds/" + queuedBehind).body()) : null;
        assertThat(behind).isNotNull();
        assertThat(behind.getString("state")).isEqualTo("QUEUED");
        assertThat(behind.getString("worker")).isNull();
    }

    @Test
    @Order(3)
    void sigtermStopsAWorkerItsToolAndTheToolsChildKeepsTheLogAndItsBuildIsQueuedAgainNotFailed() throws Exception {
        FbsNode w2 = cluster.worker("w2").env(Map.of("FBS_STANDIN_SLEEP", "60")).start();
        JsonObject running = cluster.awaitBuild(queuedBehind, b -> "RUNNING".equals(b.getString("state"))
            && "w2".equals(b.getString("worker")), Duration.ofSeconds(90));
        // The tool runs (its log shows lorax's progress) and with it what it started: the worker's descendants.
        awaitLog(running.getString("logUrl"), "stand-in parsed arguments");
        List<ProcessHandle> tools = ProcessHandle.of(w2.pid()).orElseThrow().descendants().toList();
        assertThat(tools).isNotEmpty();

        w2.terminate();

        Integer code = w2.exitCode(60);
        assertThat(code).as(w2.output()).isEqualTo(143);
        assertThat(w2.output()).contains("fbs stopping", "fbs stopped cleanly");
        for (ProcessHandle tool : tools) {
            assertThat(tool.isAlive()).as("process " + tool.pid() + " " + tool.info().commandLine()).isFalse();
        }
        String kept = Files.readString(dir.resolve("w2").resolve("logs").resolve(queuedBehind + ".log"));
        assertThat(kept).contains("== image ==", "stand-in parsed arguments", "worker w2 stopped during the build")
            .doesNotContain("build failed");
        // The stop is not the build's fault: it goes back to the queue as a lost worker's build does.
        JsonObject requeued = cluster.awaitBuild(queuedBehind, b -> history(b, "QUEUED").size() == 2,
            Duration.ofSeconds(30));
        assertThat(requeued.getString("state")).as(requeued.encodePrettily()).isIn("QUEUED", "ASSIGNED", "RUNNING");
        assertThat(history(requeued, "QUEUED").get(1).getString("note")).startsWith("worker w2 was lost (")
            .endsWith("during attempt 1 of 3; queued again");

        // The same worker started again on its work dir finishes it (there is no other).
        cluster.restartWorker("w2", Map.of("FBS_STANDIN_SLEEP", "2"));
        JsonObject done = cluster.awaitEnd(queuedBehind, Duration.ofSeconds(90));
        assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("SUCCEEDED");
        assertThat(done.getInteger("attempt")).isEqualTo(2);
        assertThat(history(done, "ASSIGNED")).extracting(h -> h.getString("note")).containsExactly("w2", "w2");
        assertThat(history(done, "SUCCEEDED")).hasSize(1);
        assertThat(history(done, "FAILED")).isEmpty();
        cluster.awaitMails(queuedBehind, 4);
        assertThat(cluster.mailsAbout(queuedBehind))
            .containsExactly("started", "queued again", "started", "SUCCEEDED");
    }

    static void awaitLog(String logUrl, String text) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(end)) {
            if (cluster.get(logUrl).body().contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + text + " in " + cluster.get(logUrl).body());
    }

    @Test
    @Order(4)
    void sigtermStopsTheMasterCleanlyAndItsStoreHasEveryBuildAfterARestart() throws Exception {
        List<JsonObject> before = cluster.builds();
        assertThat(before).hasSizeGreaterThanOrEqualTo(3);
        FbsNode masterNode = cluster.node(E2eCluster.MASTER);

        masterNode.terminate();

        assertThat(masterNode.exitCode(60)).as(masterNode.output()).isEqualTo(143);
        assertThat(masterNode.output()).contains("fbs stopping", "fbs stopped cleanly");
        cluster.restartMaster(); // waits (90 s at most) until it is ready
        List<JsonObject> after = cluster.builds();
        assertThat(ids(after)).isEqualTo(ids(before));
        for (int i = 0; i < before.size(); i++) {
            JsonObject was = before.get(i);
            if (isFinal(was)) {
                assertThat(after.get(i)).isEqualTo(was);
            }
        }
    }

    // --- helpers ---

    static JsonObject boot() {
        return new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41");
    }

    static List<Path> outputsAndLogs() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile)
                .filter(f -> f.toString().endsWith(".out") || f.toString().endsWith(".log")).toList();
        }
    }

    static List<Long> ids(List<JsonObject> builds) {
        return builds.stream().map(b -> b.getLong("id")).toList();
    }
}
