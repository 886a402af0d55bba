package org.fbs.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.config.FbsConfig;
import org.fbs.master.MasterRole;
import org.fbs.testkit.WorkerSettingsBuilder;
import org.fbs.worker.WorkerRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every address in {@link Addresses} is a channel between the master and its workers, and each has its message record
 * (whose JSON survives the wire) and a consumer that production code registers: the way Koji holds each task handler
 * to its parameter signature ({@code tests/test_builder/test_taskparams.py}). Adding an address to {@link Addresses}
 * without a row here, a record or a consumer fails this test.
 */
class AddressesTest {

    private static final String WORKER = "w-addresses";

    /**
     * One address: the message it carries, the answer it gets (null when none is asked for), and the address a
     * master and a worker {@code WORKER} building x86_64/41 consume it on.
     */
    private record Channel(Record message, Record answer, String on) {
    }

    private static final JsonObject SPEC = new JsonObject().put("type", "boot").put("arch", "x86_64")
        .put("release", "41");
    private static final WorkerStatus STATUS = new WorkerStatus(WORKER, "http://127.0.0.1:5100",
        List.of(Addresses.build("x86_64", "41")), 2, List.of(7L), List.of("boot"), true, "node-1",
        Map.of("boot", "available"), "none", 1_000_000L, 0.5, null);
    private static final JobOffer OFFER = new JobOffer(7, SPEC, 2, true, "lease-2", 1_800_000_000_000L,
        List.of("lease-1"));

    /** Every address constant of {@link Addresses}, by field name. */
    private static final Map<String, Channel> CHANNELS = channels();

    private static Map<String, Channel> channels() {
        Map<String, Channel> channels = new LinkedHashMap<>();
        channels.put("BUILD_PREFIX", new Channel(OFFER, OfferReply.decline(WORKER, "no free slot"),
            Addresses.build("x86_64", "41")));
        channels.put("OFFER_PREFIX", new Channel(OFFER, OfferReply.accept(WORKER), Addresses.offer(WORKER)));
        channels.put("EVENTS", new Channel(new BuildEvent(7, 2, 3, WORKER, BuildEvent.Kind.SUCCEEDED, "staging",
            "done", List.of(new Artifact("boot.iso", 1024, "ab".repeat(32), "file:///srv/boot.iso")),
            Instant.parse("2026-12-05T10:00:00Z"), List.of(new ExtraPackage("anaconda-41.1-1.fc41.x86_64", 99)),
            List.of("last line"), "lease-2"), null, Addresses.EVENTS));
        channels.put("WORKERS", new Channel(STATUS, null, Addresses.WORKERS));
        channels.put("CANCEL_PREFIX", new Channel(new CancelRequest(7, "lease-2"), null, Addresses.cancel(WORKER)));
        channels.put("DRAIN_PREFIX", new Channel(new DrainRequest(WORKER, true, true), STATUS,
            Addresses.drain(WORKER)));
        return channels;
    }

    @TempDir
    Path dir;

    @Test
    void everyAddressHasItsRowHereAndEveryRowItsAddress() throws Exception {
        Map<String, String> constants = new LinkedHashMap<>();
        for (Field field : Addresses.class.getDeclaredFields()) {
            int mods = field.getModifiers();
            if (Modifier.isPublic(mods) && Modifier.isStatic(mods) && field.getType() == String.class) {
                constants.put(field.getName(), (String) field.get(null));
            }
        }

        assertThat(new TreeSet<>(constants.keySet()))
            .as("each address in Addresses needs a row in CHANNELS: its message record and where it is consumed")
            .isEqualTo(new TreeSet<>(CHANNELS.keySet()));
        constants.forEach((name, value) -> {
            String on = CHANNELS.get(name).on();
            assertThat(name.endsWith("_PREFIX") ? on.startsWith(value) && on.length() > value.length()
                : on.equals(value)).as(name + " = " + value + " is consumed on " + on).isTrue();
        });
    }

    /** Each message and answer is a record whose JSON, sent as text, reads back as the same record. */
    @Test
    void everyMessageRecordSurvivesTheWire() throws Exception {
        for (Map.Entry<String, Channel> row : CHANNELS.entrySet()) {
            for (Record message : Arrays.asList(row.getValue().message(), row.getValue().answer())) {
                if (message == null) {
                    continue;
                }
                Method toJson = message.getClass().getMethod("toJson");
                Method fromJson = message.getClass().getMethod("fromJson", JsonObject.class);
                assertThat(Modifier.isStatic(fromJson.getModifiers())).as(row.getKey() + ": static fromJson").isTrue();
                String wire = ((JsonObject) toJson.invoke(message)).encode();

                assertThat(fromJson.invoke(null, new JsonObject(wire))).as(row.getKey() + ": " + wire)
                    .isEqualTo(message);
            }
        }
    }

    /**
     * A master and a worker as they ship, on one Vert.x: each address reaches a consumer one of them registered. A
     * probe never gets to the consumer's code: an inbound interceptor answers it once the bus has found a consumer
     * (an address nobody consumes fails at once with NO_HANDLERS, before any interceptor).
     */
    @Test
    void everyAddressHasAConsumerThatTheMasterOrTheWorkerRegisters() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            await(MasterRole.deploy(vertx, FbsConfig.from(new JsonObject().put("master", new JsonObject()
                .put("http", new JsonObject().put("host", "127.0.0.1").put("port", freePort()))
                .put("data-dir", dir.resolve("master").toString()))).master()));
            await(WorkerRole.deploy(vertx, WorkerSettingsBuilder.worker(dir.resolve("worker")).id(WORKER)
                .httpPort(freePort()).build()));
            Handler<DeliveryContext<Object>> answerProbes = ctx -> {
                if (ctx.message().headers().contains("fbs-probe")) {
                    ctx.message().reply("consumed");
                } else {
                    ctx.next();
                }
            };
            vertx.eventBus().addInboundInterceptor(answerProbes);

            Map<String, String> unconsumed = new LinkedHashMap<>();
            for (Map.Entry<String, Channel> row : CHANNELS.entrySet()) {
                String on = row.getValue().on();
                try {
                    await(vertx.eventBus().request(on, new JsonObject(),
                        new DeliveryOptions().addHeader("fbs-probe", "1").setSendTimeout(5_000)));
                } catch (java.util.concurrent.ExecutionException e) {
                    unconsumed.put(row.getKey(), on + ": " + (e.getCause() instanceof ReplyException re
                        && re.failureType() == ReplyFailure.NO_HANDLERS ? "no consumer" : e.getCause().toString()));
                }
            }

            assertThat(unconsumed).as("addresses without a consumer in production code").isEmpty();
        } finally {
            await(vertx.close());
        }
    }

    /** The probe itself: an address nobody consumes is told apart. */
    @Test
    void aProbeOfAnAddressNobodyConsumesFails() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Future<Message<Object>> asked = vertx.eventBus().request(Addresses.offer("nobody"), new JsonObject(),
                new DeliveryOptions().addHeader("fbs-probe", "1").setSendTimeout(5_000));
            Throwable failure = asked.transform(Future::succeededFuture).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).cause();
            assertThat(failure).isInstanceOfSatisfying(ReplyException.class,
                re -> assertThat(re.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
        } finally {
            await(vertx.close());
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
