package org.fbs.master;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fbs.auth.Caller;
import org.fbs.config.FbsConfig;
import org.fbs.protocol.Addresses;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only an admin drains a worker: a logged-in user who is not one gets 403 and the worker hears nothing. */
class WorkerRoutesTest {

    final Vertx vertx = Vertx.vertx();
    @TempDir
    Path data;

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void aUserWhoIsNotAnAdminGets403AndNoDrainIsSent() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        // Plays worker w1.
        await(vertx.eventBus().<JsonObject>localConsumer(Addresses.drain("w1"), msg -> {
            asked.incrementAndGet();
            msg.reply(new JsonObject().put("worker", "w1").put("draining", true));
        }).completion());
        AsyncBuildStore store = new AsyncBuildStore(vertx, BuildStore.open(data));
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            new Caller("alice", "alice@example.org", ctx.request().getHeader("X-Admin") != null).attachTo(ctx);
            ctx.next();
        });
        router.post("/api/*").handler(BodyHandler.create(false).setBodyLimit(ApiRoutes.MAX_BODY));
        WorkerRoutes.mount(router, new LocalMasterService(vertx, store, FbsConfig.from(new JsonObject()).master()));
        HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.actualPort() + "/api/v1/workers/w1/";

        for (String action : List.of("drain", "undrain")) {
            HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + action))
                .POST(HttpRequest.BodyPublishers.ofString("{\"exit\": true}")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(new JsonObject(denied.body()).getString("error"))
                .isEqualTo("only an admin may drain or undrain a worker");
        }
        assertThat(asked).hasValue(0);

        HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(URI.create(base + "drain"))
            .header("X-Admin", "yes").POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(allowed.body()).getBoolean("draining")).isTrue();
        assertThat(asked).hasValue(1);
    }
}
