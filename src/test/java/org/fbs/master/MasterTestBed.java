package org.fbs.master;

import static org.fbs.testkit.Waits.eventually;
import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import org.fbs.testkit.MasterSettingsBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fbs.ops.NodeMetrics;
import io.vertx.core.json.JsonObject;

/** A real master (store, dispatcher, HTTP API) on a local Vert.x, for tests that play the workers themselves. */
final class MasterTestBed implements AutoCloseable {

    // Metrics wired as Main wires them, so /metrics shows Vert.x's own figures too.
    final PrometheusMeterRegistry registry = NodeMetrics.newRegistry();
    final Vertx vertx;
    final String url;
    /** A master that does not answer fails the test instead of hanging the build. */
    private static final java.time.Duration ANSWER_TIMEOUT = java.time.Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    MasterTestBed(Path dataDir) throws Exception {
        this(dataDir, new JsonObject());
    }

    /** A master with more {@code master.*} settings. */
    MasterTestBed(Path dataDir, JsonObject masterSettings) throws Exception {
        this(null, dataDir, masterSettings);
    }

    /** A master on {@code onVertx} (a clustered one, say), or on a local Vert.x of its own when null. */
    MasterTestBed(Vertx onVertx, Path dataDir, JsonObject masterSettings) throws Exception {
        vertx = onVertx != null ? onVertx : NodeMetrics.builder(new VertxOptions(), registry).build();
        int port = freePort();
        MasterSettingsBuilder settings = MasterSettingsBuilder.master(dataDir).httpPort(port);
        masterSettings.forEach(setting -> settings.set(setting.getKey(), setting.getValue()));
        await(MasterRole.deploy(vertx, settings.build(), registry));
        url = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> post(String contentType, String body) throws Exception {
        return post("/api/v1/builds", contentType, body);
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(ANSWER_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(ANSWER_TIMEOUT).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(ANSWER_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonObject build(long id) throws Exception {
        return new JsonObject(get("/api/v1/builds/" + id).body());
    }

    /** Polls the build until {@code check} holds. */
    JsonObject awaitBuild(long id, java.util.function.Predicate<JsonObject> check) throws Exception {
        return eventually("build " + id + " gets there", () -> build(id), check);
    }

    /**
     * Closes Vert.x. Its own shutdown steps may each take up to 10 s on a slow machine, so a close gets 60 s; one
     * slower than 20 s prints what every thread was doing, so that a close that hangs can be found from CI's output.
     */
    @Override
    public void close() throws Exception {
        java.util.concurrent.CompletableFuture<Void> closed = vertx.close().toCompletionStage().toCompletableFuture();
        try {
            closed.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException slow) {
            System.err.println("Vert.x has not closed within 20 s; the threads:");
            for (java.lang.management.ThreadInfo thread : java.lang.management.ManagementFactory.getThreadMXBean()
                    .dumpAllThreads(true, true)) {
                System.err.println("\"" + thread.getThreadName() + "\" " + thread.getThreadState()
                    + (thread.getLockName() == null ? "" : " on " + thread.getLockName()));
                for (StackTraceElement frame : thread.getStackTrace()) {
                    System.err.println("\t\tat " + frame);
                }
            }
            closed.get(40, TimeUnit.SECONDS);
        }
    }
}
