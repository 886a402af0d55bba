package org.fbs.master;

import static org.fbs.testkit.Waits.eventually;
import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.JobOfferBuilder;
import org.fbs.testkit.WorkerSettingsBuilder;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fbs.config.WorkerSettings;
import org.fbs.protocol.Addresses;
import org.fbs.worker.WorkerRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Draining a real worker through the REST API of a real master (one Vert.x, as a standalone node runs them): a
 * draining worker gets no offers and says so, finishes what it runs, and exits when asked once its build is done.
 */
class DrainTest {

    static final String LORAX = Path.of(System.getProperty("fbs.standins", "src/test/standins")).resolve("lorax")
        .toAbsolutePath().toString();

    @TempDir
    Path dir;
    MasterTestBed master;
    Path gate;
    final CountDownLatch exited = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(dir.resolve("master"));
        // lorax waits for the gate file, so that a test decides when a running build may end.
        gate = dir.resolve("gate");
        Path gated = dir.resolve("gated-lorax");
        Files.writeString(gated, "#!/bin/sh\nwhile [ ! -e '" + gate + "' ]; do sleep 0.05; done\nexec '" + LORAX
            + "' \"$@\"\n");
        Files.setPosixFilePermissions(gated, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freePort();
        WorkerSettings settings = WorkerSettingsBuilder.worker(dir.resolve("worker")).id("w-drain")
            .httpPort(port).stagingRoots(dir).tools(Map.of("lorax", gated.toString())).build();
        await(WorkerRole.deploy(master.vertx, settings, master.registry, exited::countDown));
        awaitWorker(w -> true);
    }

    @AfterEach
    void stop() throws Exception {
        Files.writeString(gate, "");
        master.close();
    }

    @Test
    void aDrainingWorkerGetsNoOffersAndBuildsAgainWhenUndrained() throws Exception {
        HttpResponse<String> drained = master.post("/api/v1/workers/w-drain/drain", null, "");

        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        JsonObject worker = new JsonObject(drained.body());
        assertThat(worker.getString("worker")).isEqualTo("w-drain");
        assertThat(worker.getBoolean("draining")).isTrue();
        assertThat(worker.getInteger("free")).isZero();
        assertThat(worker.getString("lastSeen")).isNotNull();
        awaitWorker(w -> w.getBoolean("draining"));
        // Nothing consumes the worker's offers any more: an offer cannot even be sent.
        Throwable refused = master.vertx.eventBus().request(Addresses.build("x86_64", "41"),
                JobOfferBuilder.offer(999, new JsonObject()).build().toJson()).toCompletionStage().toCompletableFuture()
            .handle((ok, err) -> err).get(10, TimeUnit.SECONDS);
        assertThat(refused).isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));

        long id = submit();
        JsonObject waiting = master.awaitBuild(id, b -> b.getString("reason") != null);
        assertThat(waiting.getString("state")).isEqualTo("QUEUED");
        assertThat(waiting.getString("reason"))
            .isEqualTo("every worker for x86_64/41 is draining; waiting for one that takes builds");
        assertThat(Files.exists(dir.resolve("worker/logs/" + id + ".log"))).isFalse();

        HttpResponse<String> undrained = master.post("/api/v1/workers/w-drain/undrain", null, "");
        assertThat(undrained.statusCode()).as(undrained.body()).isEqualTo(200);
        assertThat(new JsonObject(undrained.body()).getBoolean("draining")).isFalse();
        Files.writeString(gate, "");
        JsonObject done = master.awaitBuild(id, b -> b.getString("state").equals("SUCCEEDED"));
        assertThat(done.getString("worker")).isEqualTo("w-drain");
        assertThat(exited.getCount()).isEqualTo(1);
    }

    @Test
    void drainWithExitFinishesTheRunningBuildThenExits() throws Exception {
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("RUNNING"));

        HttpResponse<String> drained = master.post("/api/v1/workers/w-drain/drain", "application/json",
            "{\"exit\": true}");

        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        assertThat(new JsonObject(drained.body()).getJsonArray("running").getList()).containsExactly((int) id);
        long queuedBehind = submit();
        // The build runs on: the worker has not exited while it runs.
        assertThat(exited.await(1, TimeUnit.SECONDS)).isFalse();
        Files.writeString(gate, "");
        assertThat(master.awaitBuild(id, b -> b.getString("state").equals("SUCCEEDED"))).isNotNull();
        assertThat(exited.await(20, TimeUnit.SECONDS)).as("the worker exits once its build is done").isTrue();
        HttpResponse<String> tooLate = master.post("/api/v1/workers/w-drain/undrain", null, "");
        assertThat(tooLate.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(tooLate.body()).getString("error")).isEqualTo("worker w-drain is exiting");
        JsonObject behind = master.build(queuedBehind);
        assertThat(behind.getString("state")).isEqualTo("QUEUED");
        assertThat(behind.getString("worker")).isNull();
    }

    @Test
    void anUnknownWorkerIs404AndABadBodyIs400NamingTheField() throws Exception {
        HttpResponse<String> unknown = master.post("/api/v1/workers/nobody/drain", null, "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("no worker named nobody is online");
        assertThat(master.post("/api/v1/workers/..%2f..%2fetc/drain", null, "").statusCode()).isEqualTo(404);

        HttpResponse<String> notBoolean = master.post("/api/v1/workers/w-drain/drain", "application/json",
            "{\"exit\": \"yes\"}");
        assertThat(notBoolean.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(notBoolean.body()).getJsonArray("errors")).containsExactly(
            "exit: expected true or false");
        HttpResponse<String> notJson = master.post("/api/v1/workers/w-drain/drain", "application/json", "{exit");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(notJson.body()).getJsonArray("errors")).containsExactly("body: not valid JSON");
        // Neither bad request changed anything.
        assertThat(worker().getBoolean("draining")).isFalse();
    }

    long submit() throws Exception {
        HttpResponse<String> created = master.post("application/json", new JsonObject().put("type", "boot")
            .put("arch", "x86_64").put("release", "41").put("staging", dir.toUri().toString()).encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new JsonObject(created.body()).getLong("id");
    }

    JsonObject worker() throws Exception {
        JsonArray workers = new JsonObject(master.get("/api/v1/workers").body()).getJsonArray("workers");
        return workers.stream().map(JsonObject.class::cast).filter(w -> w.getString("worker").equals("w-drain"))
            .findFirst().orElse(null);
    }

    void awaitWorker(java.util.function.Predicate<JsonObject> check) throws Exception {
        eventually("the worker gets there", this::worker, w -> w != null && check.test(w));
    }
}
