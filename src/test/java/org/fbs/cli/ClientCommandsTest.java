package org.fbs.cli;

import static org.fbs.testkit.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fbs.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The client commands through Main's command line, against a small HTTP server that answers as the master's API
 * (openapi.yaml) says it does: what they send, what they print, their exit codes. CliClientIT runs them against a
 * real master and worker.
 */
class ClientCommandsTest {

    static final String TOKEN = "fbs_s3cret-token";

    @TempDir
    Path home;
    HttpServer server;
    String url;
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** What the server answers, by "METHOD PATH": status and body. */
    final Map<String, Object[]> answers = new ConcurrentHashMap<>();
    /** What the server answers after that, one answer per request, the last one staying. */
    final Map<String, Queue<Object[]>> later = new ConcurrentHashMap<>();

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        Path file = Files.createDirectories(home.resolve(".config/fbs")).resolve("client.yaml");
        Files.writeString(file, "url: " + url + "\ntoken: " + TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
        requests.add(key + " auth=" + exchange.getRequestHeaders().getFirst("Authorization") + " body=" + body);
        Object[] answer = answers.getOrDefault(key, new Object[] {404, "{\"error\": \"no such build\"}"});
        Object[] next = later.getOrDefault(key, new ArrayDeque<>()).poll();
        if (next != null) {
            answers.put(key, next);
        }
        byte[] bytes = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, String> headers = answer.length > 2 ? (Map<String, String>) answer[2]
            : Map.of("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders((int) answer[0], bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Run fbs(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString()));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine cli = Main.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = defaults.create(cls);
                if (made instanceof ClientCommand client) {
                    client.environment(env);
                }
                return made;
            }
        });
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run fbs(String... args) {
        return fbs(Map.of(), args);
    }

    static JsonObject worker(boolean draining) {
        return new JsonObject().put("worker", "w1").put("url", "http://w1:5100")
            .put("addresses", new JsonArray().add("build.x86_64.41")).put("slots", 2).put("free", draining ? 0 : 1)
            .put("running", new JsonArray().add(5)).put("types", null).put("draining", draining)
            .put("lastSeen", "2026-11-26T09:00:00Z");
    }

    @Test
    void statusSaysWhereAQueuedBuildStandsAndHowLongBuildsTook() {
        // As the master answers: a queued build with its place in line, an ended one with its durations.
        JsonObject queued = new JsonObject().put("id", 9).put("state", "QUEUED")
            .put("spec", new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41"))
            .put("reason", "all workers for x86_64/41 are busy; waiting for a free slot")
            .put("queue", new org.fbs.build.QueuePlace(3, 2, 2, 2, "x86_64/41", java.time.Duration.ofSeconds(250),
                java.time.Duration.ofSeconds(2102), 12).toJson())
            .put("durations", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("name", "queued")
                .put("seconds", 75))).put("queuedSeconds", 75).put("builtSeconds", 0).put("totalSeconds", 75)
                .put("ended", false));
        JsonObject ended = new JsonObject().put("id", 8).put("state", "SUCCEEDED")
            .put("spec", new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41"))
            .put("durations", new JsonObject().put("parts", new JsonArray()
                    .add(new JsonObject().put("name", "queued").put("seconds", 190))
                    .add(new JsonObject().put("name", "image").put("seconds", 3533)))
                .put("queuedSeconds", 190).put("builtSeconds", 3533).put("totalSeconds", 3723).put("ended", true));
        answers.put("GET /api/v1/builds/9", new Object[] {200, queued.encode()});
        answers.put("GET /api/v1/builds/8", new Object[] {200, ended.encode()});

        Run waiting = fbs("status", "9");
        Run done = fbs("status", "8");

        assertThat(waiting.code()).isZero();
        assertThat(waiting.out()).contains("  in line:   3rd in line for x86_64/41; 2 workers, both busy; builds like it"
            + " lately waited 4 min 10 s and took 35 min 02 s (median of 12)\n")
            .contains("  took:      1 min 15 s so far (queued 1 min 15 s)\n");
        assertThat(done.out()).contains("  took:      1 h 02 min 03 s (queued 3 min 10 s, built 58 min 53 s)\n")
            .doesNotContain("in line");
    }

    @Test
    void drainAndUndrainCallTheDrainApiWithTheTokenAndSayWhatHappened() {
        answers.put("POST /api/v1/workers/w1/drain", new Object[] {200, worker(true).encode()});
        answers.put("POST /api/v1/workers/w1/undrain", new Object[] {200, worker(false).encode()});

        Run drain = fbs("worker", "drain", "w1", "--exit");
        Run undrain = fbs("worker", "undrain", "w1");

        assertThat(drain).isEqualTo(new Run(0,
            "worker w1 is draining: it takes no new builds and finishes the 1 it runs, then stops\n", ""));
        assertThat(undrain).isEqualTo(new Run(0, "worker w1 takes builds again (1 free of 2 slots)\n", ""));
        assertThat(requests).containsExactly(
            "POST /api/v1/workers/w1/drain auth=Bearer " + TOKEN + " body={\"exit\":true}",
            "POST /api/v1/workers/w1/undrain auth=Bearer " + TOKEN + " body=");
    }

    @Test
    void whatTheMasterRefusesIsPrintedInItsWordsWithExitCode1() throws IOException {
        answers.put("POST /api/v1/workers/w9/drain", new Object[] {404, "{\"error\": \"no such worker\"}"});
        answers.put("POST /api/v1/builds", new Object[] {400, new JsonObject().put("error", "the build spec has errors")
            .put("errors", new JsonArray().add("[DEFAULT] arch: unknown arch 'x86'").add("[DEFAULT] release: bad"))
            .encode()});
        answers.put("POST /api/v1/builds/3/cancel", new Object[] {401, "{\"error\": \"log in first\"}"});
        Path spec = Files.writeString(home.resolve("bad.conf"), "[DEFAULT]\ntype=boot\narch=x86\nrelease=x\n");

        Run drain = fbs("worker", "drain", "w9");
        Run submit = fbs("submit", spec.toString());
        Run cancel = fbs("cancel", "3");

        assertThat(drain).isEqualTo(new Run(1, "", "error: no such worker\n"));
        assertThat(submit).isEqualTo(new Run(1, "", """
            error: the build spec has errors
              [DEFAULT] arch: unknown arch 'x86'
              [DEFAULT] release: bad
            """));
        assertThat(requests.get(1)).endsWith("body=[DEFAULT]\ntype=boot\narch=x86\nrelease=x\n");
        assertThat(cancel).isEqualTo(new Run(1, "", "error: log in first\n  (give a token: FBS_TOKEN, or token: in "
            + home.resolve(".config/fbs/client.yaml") + ")\n"));
    }

    @Test
    void noMasterAtTheUrlIsExitCode2NamingTheUrl() throws IOException {
        String closed = "http://127.0.0.1:" + freePort();

        Run run = fbs(Map.of("FBS_URL", closed), "list");

        assertThat(run).isEqualTo(new Run(2, "", "error: cannot reach the FBS master at " + closed
            + ": connection refused\n"));
    }

    static final Map<String, String> TEXT = Map.of("Content-Type", "text/plain; charset=utf-8");

    @Test
    void theLogIsReadThroughTheMasterWithTheTokenAndNeverFromTheWorker() {
        // The build names its worker's log; fbs must not go there (nothing listens on port 9).
        answers.put("GET /api/v1/builds/5", new Object[] {200, new JsonObject().put("id", 5).put("state", "RUNNING")
            .put("logUrl", "http://127.0.0.1:9/log/5").encode()});
        answers.put("GET /api/v1/builds/5/log", new Object[] {200, "== image ==\nlorax ran\n", TEXT});
        answers.put("GET /api/v1/builds/8/log", new Object[] {200, "the last line\n",
            Map.of("Content-Type", "text/plain; charset=utf-8", "FBS-Log", "tail")});

        assertThat(fbs("logs", "5")).isEqualTo(new Run(0, "== image ==\nlorax ran\n", ""));
        assertThat(fbs("logs", "8")).isEqualTo(new Run(0, "the last line\n", "fbs: the worker no longer has the log"
            + " of build 8; its last lines, as the master kept them:\n"));
        assertThat(requests).containsExactly("GET /api/v1/builds/5/log auth=Bearer " + TOKEN + " body=",
            "GET /api/v1/builds/8/log auth=Bearer " + TOKEN + " body=");
    }

    @Test
    void aWorkerTheMasterCannotReachIsExitCode2AndNoLogIsExitCode1() {
        answers.put("GET /api/v1/builds/5/log", new Object[] {502, new JsonObject().put("error",
            "the log is on worker w1, which does not answer: Connection refused").encode()});
        answers.put("GET /api/v1/builds/6/log", new Object[] {404, new JsonObject().put("error",
            "build 6 has no log yet: it is QUEUED (no worker online for s390x/41)").encode()});
        // A master of an older version has no such route: its 404 is not JSON.
        answers.put("GET /api/v1/builds/7/log", new Object[] {404, "Resource not found", TEXT});

        assertThat(fbs("logs", "5")).isEqualTo(new Run(2, "", "error: cannot reach the log of build 5: the log is on "
            + "worker w1, which does not answer: Connection refused\n"));
        assertThat(fbs("logs", "6")).isEqualTo(new Run(1, "",
            "error: build 6 has no log yet: it is QUEUED (no worker online for s390x/41)\n"));
        assertThat(fbs("logs", "9")).isEqualTo(new Run(1, "", "error: no such build\n"));
        assertThat(fbs("logs", "7")).isEqualTo(new Run(1, "", "error: the server at " + url + "/ has no GET "
            + "/api/v1/builds/7/log; is it an FBS master, and of this version?\n"));
    }

    @Test
    void followingABuildWhoseWorkerTheMasterCannotReachSaysSoAndWaitsForItsEnd() {
        JsonObject running = new JsonObject().put("id", 7).put("state", "RUNNING").put("stage", "image")
            .put("worker", "w1").put("logUrl", "http://127.0.0.1:9/log/7").put("attempt", 1);
        answers.put("GET /api/v1/builds/7", new Object[] {200, running.encode()});
        later.put("GET /api/v1/builds/7", new ArrayDeque<>(List.<Object[]>of(
            new Object[] {200, running.copy().put("state", "FAILED").put("stage", null)
                .put("reason", "worker w1 was lost").encode()})));
        answers.put("GET /api/v1/builds/7/log?follow=true", new Object[] {502, new JsonObject().put("error",
            "the log is on worker w1, which does not answer: Connection refused").encode()});

        Run run = fbs("logs", "7", "--follow");

        assertThat(run).isEqualTo(new Run(1, "build 7 FAILED: worker w1 was lost\n",
            "fbs: cannot reach the log of build 7 (the log is on worker w1, which does not answer: Connection "
                + "refused); waiting for the build to end\n"));
        assertThat(requests).filteredOn(r -> r.contains("/log")).hasSize(1);
    }

    @Test
    void followingPrintsTheLogOfEachAttemptFromTheMasterAndTheEnd() {
        JsonObject first = new JsonObject().put("id", 4).put("state", "RUNNING").put("stage", "image")
            .put("worker", "w1").put("logUrl", "http://127.0.0.1:9/log/4").put("attempt", 1);
        JsonObject second = first.copy().put("worker", "w2").put("logUrl", "http://127.0.0.1:9/log/4")
            .put("attempt", 2);
        answers.put("GET /api/v1/builds/4", new Object[] {200, first.encode()});
        later.put("GET /api/v1/builds/4", new ArrayDeque<>(List.<Object[]>of(
            new Object[] {200, second.encode()},
            new Object[] {200, second.copy().put("state", "SUCCEEDED").put("stage", null).encode()})));
        answers.put("GET /api/v1/builds/4/log?follow=true", new Object[] {200, "w1 started\n", TEXT});
        later.put("GET /api/v1/builds/4/log?follow=true", new ArrayDeque<>(List.<Object[]>of(
            new Object[] {200, "w2 started\nw2 done\n", TEXT})));

        Run run = fbs("logs", "4", "--follow");

        assertThat(run).isEqualTo(new Run(0, "w1 started\nw2 started\nw2 done\nbuild 4 SUCCEEDED\n",
            "fbs: build 4 went to worker w2 (attempt 2); its log from the start:\n"));
    }

    @Test
    void aFollowThatGotALaterAttemptThanTheBuildSaidDoesNotPrintThatAttemptTwice() {
        JsonObject first = new JsonObject().put("id", 4).put("state", "RUNNING").put("stage", "image")
            .put("worker", "w1").put("logUrl", "http://127.0.0.1:9/log/4").put("attempt", 1);
        JsonObject second = first.copy().put("worker", "w2").put("attempt", 2);
        answers.put("GET /api/v1/builds/4", new Object[] {200, first.encode()});
        later.put("GET /api/v1/builds/4", new ArrayDeque<>(List.<Object[]>of(
            new Object[] {200, second.encode()},
            new Object[] {200, second.copy().put("state", "SUCCEEDED").put("stage", null).encode()})));
        // Requeued between the build's read and the log's: the master streams attempt 2 and says so.
        answers.put("GET /api/v1/builds/4/log?follow=true", new Object[] {200, "w2 started\nw2 done\n",
            Map.of("Content-Type", "text/plain; charset=utf-8", "FBS-Log", "full", "FBS-Attempt", "2")});

        Run run = fbs("logs", "4", "--follow");

        assertThat(run).isEqualTo(new Run(0, "w2 started\nw2 done\nbuild 4 SUCCEEDED\n", ""));
        assertThat(requests).filteredOn(r -> r.contains("/log")).hasSize(1);
    }

    @Test
    void usageAndFileErrorsAreExitCode2AndTheTokenIsNeverPrinted() {
        Run noId = fbs("cancel");
        Run missing = fbs("submit", home.resolve("nope.conf").toString());
        Run badUrl = fbs(Map.of("FBS_URL", "localhost:5000"), "workers");

        assertThat(noId.code()).isEqualTo(2);
        assertThat(noId.err()).startsWith("Missing required parameter: 'ID'");
        assertThat(missing).isEqualTo(new Run(2, "", "error: " + home.resolve("nope.conf") + ": no such file\n"));
        assertThat(badUrl).isEqualTo(new Run(2, "", "error: FBS_URL: expected the master's http or https URL, like "
            + "http://127.0.0.1:5000, not 'localhost:5000'\n"));
        assertThat(requests).isEmpty();
        for (Run run : List.of(noId, missing, badUrl)) {
            assertThat(run.out() + run.err()).doesNotContain(TOKEN);
        }
    }

    @Test
    void theWorkerCommandDoesNotTakeTheRoleWorker() {
        CommandLine.ParseResult parsed = Main.commandLine(CommandLine.defaultFactory())
            .parseArgs("--role=worker", "--config", "node.yaml");

        assertThat(parsed.hasSubcommand()).isFalse();
        assertThat(String.valueOf((Object) parsed.matchedOptionValue("--role", null))).isEqualTo("worker");
    }

}
