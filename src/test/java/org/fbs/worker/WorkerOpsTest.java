package org.fbs.worker;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.WorkerSettingsBuilder;
import org.fbs.testkit.TestTools;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.fbs.config.WorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's operator endpoints beside /log: readiness says whether its tools are installed. */
class WorkerOpsTest {

    static final String STANDIN_LORAX = Path.of(System.getProperty("fbs.standins", "src/test/standins"))
        .resolve("lorax").toAbsolutePath().toString();

    @TempDir
    Path workDir;
    final Vertx vertx = Vertx.vertx();
    final HttpClient http = HttpClient.newHttpClient();
    String url;

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void aWorkerWithItsToolIsReadyAndListsIt() throws Exception {
        start(only("lorax", STANDIN_LORAX));

        HttpResponse<String> ready = get("/readyz");

        assertThat(ready.statusCode()).isEqualTo(200);
        JsonObject tools = check(new JsonObject(ready.body()), "tools");
        assertThat(tools.getString("status")).isEqualTo("UP");
        assertThat(tools.getJsonObject("data").getJsonArray("kinds")).contains("boot");
        assertThat(tools.getJsonObject("data").getJsonArray("present").getString(0))
            .startsWith("lorax (" + STANDIN_LORAX + "): found");
        assertThat(check(new JsonObject(ready.body()), "builds").getString("status")).isEqualTo("UP");
    }

    @Test
    void aWorkerWithoutAnyImageToolIsNotReadyAndSaysWhich() throws Exception {
        String missing = workDir.resolve("no-such-lorax").toString();
        start(only("lorax", missing));

        HttpResponse<String> ready = get("/readyz");

        assertThat(ready.statusCode()).isEqualTo(503);
        JsonObject tools = check(new JsonObject(ready.body()), "tools");
        assertThat(tools.getString("status")).isEqualTo("DOWN");
        assertThat(tools.getJsonObject("data").getJsonArray("kinds")).isEmpty();
        assertThat(tools.getJsonObject("data").getJsonArray("missing").stream().map(String::valueOf))
            .anyMatch(t -> t.startsWith("lorax (" + missing + "): "));
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    /**
     * {@code tool} at {@code path} and every other image tool at a path that does not exist: a tool left out would
     * be looked for at its default path, where a real one may be installed (CI installs the real kiwi-ng).
     */
    private Map<String, String> only(String tool, String path) {
        return TestTools.only(tool, path);
    }

    private void start(Map<String, String> tools) throws Exception {
        int port = freePort();
        url = "http://127.0.0.1:" + port;
        // With worker.http.metrics on: this test reads /metrics from the worker's port.
        WorkerSettings settings = WorkerSettingsBuilder.worker(workDir).id("w-ops").httpPort(port)
            .tools(tools).httpMetrics(true).build();
        await(WorkerRole.deploy(vertx, settings));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject check(JsonObject answer, String id) {
        JsonArray checks = answer.getJsonArray("checks");
        return checks.stream().map(JsonObject.class::cast).filter(c -> id.equals(c.getString("id"))).findFirst()
            .orElseThrow(() -> new AssertionError("no check " + id + " in " + answer.encode()));
    }
}
