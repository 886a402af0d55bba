package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.fbs.staging.EmbeddedFtpServer;
import org.junit.jupiter.api.AfterAll;
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

    static final Path STANDINS = Path.of(System.getProperty("fbs.standins", "src/test/standins")).toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final String SMTP_PASSWORD = "smtp-Pw-" + UUID.randomUUID();
    static final String OIDC_SECRET = "oidc-Secret-" + UUID.randomUUID();
    static final String TLS_PASSWORD = "tls-Pw-" + UUID.randomUUID();
    /** A real access token of the test's OpenID Connect provider, for an admin: it must never be logged. */
    static String API_TOKEN;
    static MockOAuth2Server provider;

    static Path dir;
    static String clusterName;
    static List<Integer> hazelcastPorts = new ArrayList<>();
    static List<FbsNode> nodes = new ArrayList<>();
    static FbsNode masterNode;
    static FbsNode w1;
    static String master;
    static int masterPort;
    static GreenMail smtp;
    static EmbeddedFtpServer ftp;
    static long drainedBuild;
    static long queuedBehind;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(Path.of("target", "e2e", "ops-" + System.currentTimeMillis())).toAbsolutePath();
        clusterName = "fbs-ops-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            hazelcastPorts.add(FbsNode.freePort());
        }
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("fbs-mailer", SMTP_PASSWORD));
        smtp.start();
        // Login is on, as in production: a real provider, and every API call carries one of its access tokens.
        provider = new MockOAuth2Server();
        provider.start();
        API_TOKEN = provider.issueToken("fedora", "fbs", new DefaultOAuth2TokenCallback("fedora", "ops-admin-sub",
            "JWT", List.of("fbs"), Map.of("preferred_username", "ops-admin"), 3600)).serialize();
        ftp = new EmbeddedFtpServer(Files.createDirectories(dir.resolve("ftp")));
        masterPort = FbsNode.freePort();
        master = "http://127.0.0.1:" + masterPort;
        masterNode = startMaster("master");
        waitForWorkers();
        w1 = startWorker("w1", 1, Map.of("FBS_STANDIN_SLEEP", "2"));
        waitForWorkers("w1");
    }

    static FbsNode startMaster(String name) throws IOException {
        FbsNode node = FbsNode.start(name, "master", clusterYaml(0) + """
            master:
              http: {host: 127.0.0.1, port: %d}
              data-dir: %s
              smtp: {host: 127.0.0.1, port: %d, starttls: disabled, login: fbs-mailer, password: "%s",
                     from: fbs@example.org}
              auth:
                oidc: {issuer: "%s", client-id: fbs, client-secret: "%s"}
                admins: [ops-admin]
            """.formatted(masterPort, dir.resolve("master-data"), smtp.getSmtp().getPort(), SMTP_PASSWORD,
            provider.issuerUrl("fedora"), OIDC_SECRET), dir, Map.of());
        nodes.add(node);
        return node;
    }

    static FbsNode startWorker(String id, int index, Map<String, String> env) throws IOException {
        return startWorker(id, id, index, env);
    }

    /** Worker {@code id} (its work dir is {@code dir/id}) as a process named {@code node} (its output file). */
    static FbsNode startWorker(String id, String node, int index, Map<String, String> env) throws IOException {
        FbsNode started = FbsNode.start(node, "worker", clusterYaml(index) + """
            worker:
              id: %s
              http: {host: 127.0.0.1, port: %d}
              arches: [x86_64]
              releases: ["41"]
              work-dir: %s
              staging-roots: [%s]
              tools:
                lorax: %s
            """.formatted(id, FbsNode.freePort(), dir.resolve(id), dir, STANDINS.resolve("lorax")), dir, env);
        nodes.add(started);
        return started;
    }

    /** The cluster section, with a TLS password that is set but not used (TLS stays off), to check it is not shown. */
    static String clusterYaml(int index) {
        StringBuilder members = new StringBuilder();
        for (int port : hazelcastPorts) {
            members.append(members.length() == 0 ? "" : ", ").append("\"127.0.0.1:").append(port).append('"');
        }
        return """
            cluster:
              name: %s
              host: 127.0.0.1
              port: %d
              members: [%s]
              tls: {enabled: false, key-store-password: "%s"}
            """.formatted(clusterName, hazelcastPorts.get(index), members, TLS_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        for (FbsNode node : nodes) {
            node.close();
        }
        if (ftp != null) {
            ftp.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    @Order(1)
    void secretsInTheConfigAndInASpecAppearInNoOutputAndNoLogFile() throws Exception {
        String ftpPassword = URLEncoder.encode(EmbeddedFtpServer.PASSWORD, StandardCharsets.UTF_8);
        JsonObject spec = boot().put("staging", ftp.url(EmbeddedFtpServer.USER, ftpPassword, "/pub"))
            .put("email", "tester@example.org")
            .put("boot", new JsonObject().put("proxy", "http://proxyuser:" + ftpPassword + "@127.0.0.1:3128/"));
        long id = submit(spec);
        JsonObject done = waitFor(id, b -> isFinal(b), Duration.ofSeconds(90));
        assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("SUCCEEDED");
        // The mails went through the SMTP server, logged in with the password.
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (smtp.getReceivedMessages().length < 2 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(smtp.getReceivedMessages()).hasSizeGreaterThanOrEqualTo(2);
        String log = get(done.getString("logUrl")).body();

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
        drainedBuild = submit(boot().put("staging", dir.toUri().toString()));
        waitFor(drainedBuild, b -> "RUNNING".equals(b.getString("state")), Duration.ofSeconds(60));

        HttpResponse<String> drained = post("/api/v1/workers/w1/drain", "{\"exit\": true}");

        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        assertThat(new JsonObject(drained.body()).getBoolean("draining")).isTrue();
        queuedBehind = submit(boot().put("staging", dir.toUri().toString()).put("email", "behind@example.org"));
        assertThat(w1.exitCode(90)).as(w1.output()).isEqualTo(0);
        assertThat(waitFor(drainedBuild, b -> isFinal(b), Duration.ofSeconds(10)).getString("state"))
            .isEqualTo("SUCCEEDED");
        assertThat(w1.output()).contains("draining: will exit once its builds are done",
            "w1 drained: no builds left, every event acknowledged; exiting", "fbs stopped cleanly");
        JsonObject behind = get(master + "/api/v1/builds/" + queuedBehind).statusCode() == 200
            ? new JsonObject(get(master + "/api/v1/builds/" + queuedBehind).body()) : null;
        assertThat(behind).isNotNull();
        assertThat(behind.getString("state")).isEqualTo("QUEUED");
        assertThat(behind.getString("worker")).isNull();
    }

    @Test
    @Order(3)
    void sigtermStopsAWorkerItsToolAndTheToolsChildKeepsTheLogAndItsBuildIsQueuedAgainNotFailed() throws Exception {
        FbsNode w2 = startWorker("w2", "w2", 2, Map.of("FBS_STANDIN_SLEEP", "60"));
        JsonObject running = waitFor(queuedBehind, b -> "RUNNING".equals(b.getString("state"))
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
        JsonObject requeued = waitFor(queuedBehind, b -> history(b, "QUEUED").size() == 2, Duration.ofSeconds(30));
        assertThat(requeued.getString("state")).as(requeued.encodePrettily()).isIn("QUEUED", "ASSIGNED", "RUNNING");
        assertThat(history(requeued, "QUEUED").get(1).getString("note")).startsWith("worker w2 was lost (")
            .endsWith("during attempt 1 of 3; queued again");

        // The same worker started again on its work dir finishes it (there is no other).
        startWorker("w2", "w2-again", 2, Map.of("FBS_STANDIN_SLEEP", "2"));
        JsonObject done = waitFor(queuedBehind, b -> isFinal(b), Duration.ofSeconds(90));
        assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("SUCCEEDED");
        assertThat(done.getInteger("attempt")).isEqualTo(2);
        assertThat(history(done, "ASSIGNED")).extracting(h -> h.getString("note")).containsExactly("w2", "w2");
        assertThat(history(done, "SUCCEEDED")).hasSize(1);
        assertThat(history(done, "FAILED")).isEmpty();
        awaitMails(queuedBehind, 4);
        assertThat(mailsAbout(queuedBehind)).containsExactly("started", "queued again", "started", "SUCCEEDED");
    }

    static List<JsonObject> history(JsonObject build, String state) {
        return build.getJsonArray("history").stream().map(JsonObject.class::cast)
            .filter(h -> h.getString("state").equals(state)).toList();
    }

    /** What the mails about {@code build} say, in the order they came: "started", "queued again", "SUCCEEDED"... */
    static List<String> mailsAbout(long build) throws Exception {
        String prefix = "[FBS] build " + build + " ";
        List<String> about = new ArrayList<>();
        for (var mail : smtp.getReceivedMessages()) {
            String subject = mail.getSubject();
            if (subject.startsWith(prefix)) {
                about.add(subject.substring(prefix.length(), subject.indexOf(':', prefix.length())));
            }
        }
        return about;
    }

    static void awaitMails(long build, int count) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (mailsAbout(build).size() < count && Instant.now().isBefore(end)) {
            Thread.sleep(100);
        }
    }

    static void awaitLog(String logUrl, String text) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(end)) {
            if (get(logUrl).body().contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + text + " in " + get(logUrl).body());
    }

    @Test
    @Order(4)
    void sigtermStopsTheMasterCleanlyAndItsStoreHasEveryBuildAfterARestart() throws Exception {
        JsonArray before = builds();
        assertThat(before).hasSizeGreaterThanOrEqualTo(3);

        masterNode.terminate();

        assertThat(masterNode.exitCode(60)).as(masterNode.output()).isEqualTo(143);
        assertThat(masterNode.output()).contains("fbs stopping", "fbs stopped cleanly");
        masterNode = startMaster("master-again");
        JsonArray after = null;
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (after == null && System.nanoTime() < end) {
            try {
                after = builds();
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        assertThat(after).isNotNull();
        assertThat(ids(after)).isEqualTo(ids(before));
        for (int i = 0; i < before.size(); i++) {
            JsonObject was = before.getJsonObject(i);
            if (isFinal(was)) {
                assertThat(after.getJsonObject(i)).isEqualTo(was);
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

    static List<Long> ids(JsonArray builds) {
        return builds.stream().map(JsonObject.class::cast).map(b -> b.getLong("id")).toList();
    }

    static JsonArray builds() throws Exception {
        return new JsonObject(get(master + "/api/v1/builds").body()).getJsonArray("builds");
    }

    static boolean isFinal(JsonObject b) {
        return List.of("SUCCEEDED", "FAILED", "CANCELED").contains(b.getString("state"));
    }

    static long submit(JsonObject spec) throws Exception {
        HttpResponse<String> created = post("/api/v1/builds", spec.encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new JsonObject(created.body()).getLong("id");
    }

    /** Every request carries a bearer token, as API clients will once login exists: it must not be logged. */
    static HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(master + path)).header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + API_TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + API_TOKEN)
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject waitFor(long id, Predicate<JsonObject> done, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        JsonObject build = null;
        while (Instant.now().isBefore(end)) {
            HttpResponse<String> response = get(master + "/api/v1/builds/" + id);
            if (response.statusCode() == 200) {
                build = new JsonObject(response.body());
                if (done.test(build)) {
                    return build;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("build " + id + " did not get there in " + limit + "; last seen: "
            + (build == null ? "nothing" : build.encodePrettily()) + "\n" + nodeOutputs());
    }

    static void waitForWorkers(String... ids) throws Exception {
        FbsNode.awaitWorkers(() -> get(master + "/api/v1/workers").body(), nodes, ids);
    }

    static String nodeOutputs() {
        return FbsNode.outputs(nodes);
    }
}
