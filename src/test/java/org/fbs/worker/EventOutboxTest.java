package org.fbs.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.build.Stage;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's events are on disk before they are sent, go in order, are resent until acknowledged, and outlive it. */
class EventOutboxTest {

    @TempDir
    Path dir;
    Vertx vertx;
    Context context;
    /** What the played master acknowledged, in order. */
    final List<BuildEvent> acknowledged = new CopyOnWriteArrayList<>();
    /** How many deliveries the played master refuses before it acknowledges. */
    final AtomicInteger refusals = new AtomicInteger();
    MessageConsumer<JsonObject> master;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    void startMaster() throws Exception {
        master = vertx.eventBus().consumer(Addresses.EVENTS, msg -> {
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                msg.fail(500, "not stored: the disk is full");
                return;
            }
            acknowledged.add(BuildEvent.fromJson(msg.body()));
            msg.reply(null);
        });
        await(master.completion());
    }

    EventOutbox outbox() throws Exception {
        EventOutbox outbox = new EventOutbox(vertx, dir, "w1");
        List<EventOutbox.Run> runs = onContext(outbox::start);
        assertThat(runs).isEmpty();
        return outbox;
    }

    /** Runs {@code action} on the outbox's context, as the worker verticle does, and waits for it. */
    <T> T onContext(java.util.function.Supplier<Future<T>> action) throws Exception {
        io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
        context.runOnContext(v -> action.get().onComplete(done));
        return await(done.future());
    }

    void run(Runnable action) throws Exception {
        onContext(() -> {
            action.run();
            return Future.succeededFuture();
        });
    }

    List<String> eventFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".event.json")).sorted().toList();
        }
    }

    @Test
    void eventsWaitOnDiskUntilTheMasterTakesThemThenGoInOrderOnce() throws Exception {
        EventOutbox outbox = outbox();
        run(() -> {
            outbox.begin(5, 2);
            outbox.stage(5, Stage.SIDE_REPO);
            outbox.stage(5, Stage.IMAGE);
            outbox.succeeded(5, List.of(new Artifact("boot.iso", 1, "ab", "file:///x")), List.of(), List.of("done"));
        });
        // No master yet: all three are kept on disk, one file each.
        until("three files on disk", () -> files() == 3);

        refusals.set(2); // the master fails the first two deliveries: resent, and nothing overtakes the head
        startMaster();

        until("three events acknowledged", () -> acknowledged.size() == 3);
        assertThat(acknowledged).extracting(BuildEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(acknowledged).extracting(BuildEvent::kind)
            .containsExactly(BuildEvent.Kind.STAGE, BuildEvent.Kind.STAGE, BuildEvent.Kind.SUCCEEDED);
        assertThat(acknowledged).allSatisfy(e -> assertThat(e.attempt()).isEqualTo(2));
        assertThat(acknowledged.get(2).artifacts()).extracting(Artifact::name).containsExactly("boot.iso");
        until("the files removed", () -> files() == 0);
    }

    @Test
    void aRestartedOutboxResendsWhatItLeftAndReportsUnfinishedRunsLost() throws Exception {
        EventOutbox before = outbox();
        // Build 3 ended (its final event is on disk); build 4 was still running when the process died.
        before.markRunning(3, 1);
        before.markRunning(4, 2);
        run(() -> {
            before.begin(3, 1);
            before.begin(4, 2);
            before.stage(3, Stage.IMAGE);
            before.stage(4, Stage.SIDE_REPO);
            before.failed(3, "lorax exited with status 1", List.of(), List.of("error"));
        });
        until("three files on disk, build 3's run ended", () -> files() == 3
            && !Files.exists(dir.resolve("run-3.json")));
        await(vertx.close());

        // A new process on the same work dir.
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        startMaster();
        EventOutbox after = new EventOutbox(vertx, dir, "w1");
        List<EventOutbox.Run> lost = onContext(after::start);

        assertThat(lost).containsExactly(new EventOutbox.Run(4, 2, List.of()));
        until("the three events left acknowledged", () -> acknowledged.size() == 3);
        // Until its LOST event is on disk, the run's marker stays: a crash now would report it again.
        assertThat(dir.resolve("run-4.json")).isRegularFile();
        onContext(() -> after.reportLost(lost));
        until("four events acknowledged", () -> acknowledged.size() == 4);
        assertThat(acknowledged).extracting(e -> e.buildId() + ":" + e.attempt() + ":" + e.kind())
            .containsExactly("3:1:STAGE", "4:2:STAGE", "3:1:FAILED", "4:2:LOST");
        until("the files removed", () -> files() == 0);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty(); // no run marker is left either
        }
    }

    @Test
    void theToolsOfARunAreKeptInItsMarkerAndARestartFindsThemWithTheirStartInstant() throws Exception {
        EventOutbox before = outbox();
        before.markRunning(6, 3);
        Process sleep = new ProcessBuilder("sleep", "600").start();
        try {
            before.recordTools(6, List.of(sleep));
            before.recordTools(99, List.of(sleep)); // not a run of this outbox: nothing is written
            await(vertx.close());

            vertx = Vertx.vertx();
            context = vertx.getOrCreateContext();
            List<EventOutbox.Run> left = onContext(new EventOutbox(vertx, dir, "w1")::start);

            RecordedTool tool = new RecordedTool(sleep.pid(), ProcessStartTicks.of(sleep.pid()).orElseThrow(),
                sleep.info().startInstant().orElseThrow());
            assertThat(left).containsExactly(new EventOutbox.Run(6, 3, List.of(tool)));
            assertThat(tool.find()).contains(sleep.toHandle());
            assertThat(dir.resolve("run-99.json")).doesNotExist();
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRunWhoseToolsEndedHasNoneLeftInItsMarker() throws Exception {
        EventOutbox before = outbox();
        before.markRunning(8, 1);
        Process sleep = new ProcessBuilder("sleep", "600").start();
        before.recordTools(8, List.of(sleep));
        sleep.destroyForcibly().waitFor();
        before.recordTools(8, List.of());
        await(vertx.close());

        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        assertThat(onContext(new EventOutbox(vertx, dir, "w1")::start))
            .containsExactly(new EventOutbox.Run(8, 1, List.of()));
    }

    @Test
    void aHalfWrittenFileFromACrashIsDroppedNotSent() throws Exception {
        Files.writeString(dir.resolve("0000000000000001-9-1-1.event.json.tmp"), "{\"build\": 9, \"se");
        startMaster();
        EventOutbox outbox = outbox();
        run(() -> {
            outbox.begin(10, 1);
            outbox.stage(10, Stage.IMAGE);
        });
        until("one event acknowledged", () -> acknowledged.size() == 1);
        assertThat(acknowledged.get(0).buildId()).isEqualTo(10);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    int files() {
        try {
            return eventFiles().size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static void until(String what, BooleanSupplier check) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(20);
        }
    }
}
