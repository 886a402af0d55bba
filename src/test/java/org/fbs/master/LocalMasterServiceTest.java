package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.config.FbsConfig;
import org.fbs.protocol.Addresses;
import org.fbs.service.MasterException;
import org.fbs.service.MasterException.Reason;
import org.fbs.service.MasterService;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecParser;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's service over its local bus: what the dispatcher refuses reaches the caller as the same reason and
 * words, whatever the reason, and a missing or failing dispatcher is a clear UNAVAILABLE, never an HTTP code.
 */
class LocalMasterServiceTest {

    static final Caller ALICE = new Caller("alice", null, false);
    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path data;
    Vertx vertx;
    AsyncBuildStore store;
    MasterService service;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        store = new AsyncBuildStore(vertx, BuildStore.open(data));
        service = new LocalMasterService(vertx, store, FbsConfig.from(new JsonObject()).master());
    }

    @AfterEach
    void stop() throws Exception {
        await(store.close());
        await(vertx.close());
    }

    @Test
    void everyRefusalOfTheDispatcherReachesTheCallerAsItsReasonAndWords() throws Exception {
        Reason[] refusing = new Reason[1];
        await(LocalMasterService.serve(vertx, new LocalMasterService.Desk(
            request -> refusing[0] == null ? Future.failedFuture(new IllegalStateException("disk on fire"))
                : Future.failedFuture(new MasterException(refusing[0], "refused: " + refusing[0])),
            id -> Future.failedFuture(new IllegalStateException("unused")), id -> null, List::of)));

        for (Reason reason : Reason.values()) {
            refusing[0] = reason;
            MasterException refused = refusal(service.submit(boot(), ALICE));
            assertThat(refused.reason()).isEqualTo(reason);
            assertThat(refused.getMessage()).isEqualTo("refused: " + reason);
        }
        // The dispatcher's own failure: nothing was stored, and the caller is told so in its words, not the cause's.
        refusing[0] = null;
        MasterException failed = refusal(service.submit(boot(), ALICE));
        assertThat(failed.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(failed.getMessage()).isEqualTo("the build could not be stored; nothing was queued");
    }

    @Test
    void withoutADispatcherEveryOperationIsUnavailableAndAPlaceInLineIsSimplyUnknown() throws Exception {
        assertThat(refusal(service.submit(boot(), ALICE)).reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(refusal(service.workers()).reason()).isEqualTo(Reason.UNAVAILABLE);
        Build stored = await(store.insert(Build.queued(boot().toJson(), Addresses.build("x86_64", "41"), "alice",
            false, T0)));
        assertThat(refusal(service.cancel(stored.id(), ALICE)).reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(await(service.placeInLine(stored))).isEmpty();
    }

    @Test
    void anotherUsersOrAnUnknownBuildIsNotFoundBeforeTheDispatcherIsAsked() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        await(LocalMasterService.serve(vertx, new LocalMasterService.Desk(
            request -> Future.failedFuture(new IllegalStateException("unused")),
            id -> {
                asked.incrementAndGet();
                return Future.failedFuture(new IllegalStateException("unused"));
            }, id -> null, List::of)));
        Build bobs = await(store.insert(Build.queued(boot().toJson(), Addresses.build("x86_64", "41"), "bob",
            false, T0)));

        for (long id : new long[] {bobs.id(), 999, 0, -1}) {
            MasterException refused = refusal(service.cancel(id, ALICE));
            assertThat(refused.reason()).as("build " + id).isEqualTo(Reason.NOT_FOUND);
            assertThat(refused.getMessage()).isEqualTo("no such build");
        }
        assertThat(asked).hasValue(0);
    }

    @Test
    void aDrainIsAnAdminsAndGoesToTheWorkerWhoseRefusalIsAConflict() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        // Plays worker w1, which is exiting.
        await(vertx.eventBus().<JsonObject>consumer(Addresses.drain("w1"), msg -> {
            heard.incrementAndGet();
            msg.fail(409, "worker w1 is exiting");
        }).completion());

        MasterException forbidden = refusal(service.drain("w1", true, false, ALICE));
        assertThat(forbidden.reason()).isEqualTo(Reason.FORBIDDEN);
        assertThat(forbidden.getMessage()).isEqualTo("only an admin may drain or undrain a worker");
        assertThat(refusal(service.drain("w1", true, false, null)).reason()).isEqualTo(Reason.FORBIDDEN);
        assertThat(heard).hasValue(0);

        assertThat(refusal(service.drain("../w1", true, false, Caller.LOCAL)).reason()).isEqualTo(Reason.NOT_FOUND);
        MasterException nobody = refusal(service.drain("w9", true, false, Caller.LOCAL));
        assertThat(nobody.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(nobody.getMessage()).isEqualTo("no worker named w9 is online");
        MasterException exiting = refusal(service.drain("w1", false, false, Caller.LOCAL));
        assertThat(exiting.reason()).isEqualTo(Reason.CONFLICT);
        assertThat(exiting.getMessage()).isEqualTo("worker w1 is exiting");
        assertThat(heard).hasValue(1);
    }

    private static BuildSpec boot() throws Exception {
        return SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n[boot]\n41_url=https://example.org/41/\n");
    }

    private static MasterException refusal(Future<?> future) throws Exception {
        Throwable cause = future.transform(Future::succeededFuture).toCompletionStage().toCompletableFuture()
            .get(20, TimeUnit.SECONDS).cause();
        assertThat(cause).as("a refusal").isInstanceOf(MasterException.class);
        return (MasterException) cause;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
