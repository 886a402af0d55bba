package org.fbs.worker;

import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** What the journal holds now, read as a restart would. */
    WorkerJournal.Contents journal() {
        try {
            return WorkerJournal.read(dir);
        } catch (Exception e) {
            throw new AssertionError(e);
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
        // No master yet: all three are kept on disk.
        until("three events on disk", () -> files() == 3);

        refusals.set(2); // the master fails the first two deliveries: resent, and nothing overtakes the head
        startMaster();

        until("three events acknowledged", () -> acknowledged.size() == 3);
        assertThat(acknowledged).extracting(BuildEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(acknowledged).extracting(BuildEvent::kind)
            .containsExactly(BuildEvent.Kind.STAGE, BuildEvent.Kind.STAGE, BuildEvent.Kind.SUCCEEDED);
        assertThat(acknowledged).allSatisfy(e -> assertThat(e.attempt()).isEqualTo(2));
        assertThat(acknowledged.get(2).artifacts()).extracting(Artifact::name).containsExactly("boot.iso");
        until("the events acknowledged in the journal", () -> files() == 0);
    }

    @Test
    void theEventsOfDifferentBuildsGoSideBySideAndEachBuildsStayInOrder() throws Exception {
        EventOutbox outbox = outbox();
        // The played master answers only once three events wait for their answers at once (or all nine came): an
        // outbox that sent one event at a time, each after the last one's answer, would never get there. It also
        // refuses build 2's first event once: resent after the wait, it still goes before build 2's later ones.
        List<Message<JsonObject>> held = new ArrayList<>();
        List<BuildEvent> arrived = new CopyOnWriteArrayList<>();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        master = vertx.eventBus().consumer(Addresses.EVENTS, msg -> {
            BuildEvent event = BuildEvent.fromJson(msg.body());
            if (event.buildId() == 2 && event.seq() == 1 && refused.getAndIncrement() == 0) {
                msg.fail(500, "not stored: the disk is full");
                return;
            }
            arrived.add(event);
            held.add(msg);
            mostAtOnce.accumulateAndGet(held.size(), Math::max);
            if (held.size() == 3 || arrived.size() == 9) {
                held.forEach(m -> m.reply(null));
                held.clear();
            }
        });
        await(master.completion());

        run(() -> {
            for (long build = 1; build <= 3; build++) {
                outbox.begin(build, 1);
                outbox.stage(build, Stage.SIDE_REPO);
                outbox.stage(build, Stage.IMAGE);
                outbox.succeeded(build, List.of(), List.of(), List.of());
            }
        });

        until("nine events acknowledged", () -> arrived.size() == 9 && outbox.unacknowledged() == 0);
        assertThat(mostAtOnce.get()).isEqualTo(3);
        assertThat(refused.get()).isGreaterThanOrEqualTo(1);
        for (long build = 1; build <= 3; build++) {
            long id = build;
            assertThat(arrived.stream().filter(e -> e.buildId() == id)).extracting(BuildEvent::seq)
                .containsExactly(1L, 2L, 3L);
        }
        assertThat(outbox.isEmpty()).isTrue();
        until("the events acknowledged in the journal", () -> files() == 0);
    }

    @Test
    void aRestartedOutboxResendsWhatItLeftAndReportsUnfinishedRunsLost() throws Exception {
        EventOutbox before = outbox();
        // Build 3 ended (its final event is on disk); build 4 was still running when the process died.
        await(before.markRunning(3, 1));
        await(before.markRunning(4, 2));
        run(() -> {
            before.begin(3, 1);
            before.begin(4, 2);
            before.stage(3, Stage.IMAGE);
            before.stage(4, Stage.SIDE_REPO);
            before.failed(3, "lorax exited with status 1", List.of(), List.of("error"));
        });
        until("three events on disk, build 3's run ended", () -> files() == 3
            && !journal().runs().containsKey(3L));
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
        assertThat(journal().runs()).containsOnlyKeys(4L);
        onContext(() -> after.reportLost(lost));
        until("four events acknowledged", () -> acknowledged.size() == 4);
        assertThat(acknowledged).extracting(e -> e.buildId() + ":" + e.attempt() + ":" + e.kind())
            .containsExactly("3:1:STAGE", "4:2:STAGE", "3:1:FAILED", "4:2:LOST");
        until("the events acknowledged in the journal", () -> files() == 0);
        assertThat(journal().runs()).isEmpty(); // no run marker is left either
    }

    @Test
    void theToolsOfARunAreKeptInItsMarkerAndARestartFindsThemWithTheirStartInstant() throws Exception {
        EventOutbox before = outbox();
        await(before.markRunning(6, 3));
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
            assertThat(journal().runs()).containsOnlyKeys(6L);
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRunWhoseToolsEndedHasNoneLeftInItsMarker() throws Exception {
        EventOutbox before = outbox();
        await(before.markRunning(8, 1));
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
    void aTornLastRecordFromACrashIsIgnoredAndTheRestIsSent() throws Exception {
        BuildEvent kept = BuildEventBuilder.event(9, BuildEvent.Kind.STAGE).stage(Stage.IMAGE.label())
            .at(java.time.Instant.parse("2026-12-01T10:00:00Z")).build();
        String whole = WorkerJournal.line(new JsonObject().put("order", 1).put("event", kept.toJson()));
        String next = WorkerJournal.line(new JsonObject().put("order", 2).put("event", kept.toJson().put("seq", 2)));
        // The crash cut the second record short: no newline, and what is there does not match its checksum.
        Files.writeString(dir.resolve(WorkerJournal.FILE), whole + next.substring(0, next.length() / 2));
        startMaster();
        EventOutbox outbox = outbox();
        run(() -> {
            outbox.begin(10, 1);
            outbox.stage(10, Stage.IMAGE);
        });
        until("two events acknowledged", () -> acknowledged.size() == 2);
        assertThat(acknowledged).extracting(e -> e.buildId() + ":" + e.seq()).containsExactly("9:1", "10:1");
        until("the events acknowledged in the journal", () -> files() == 0);
        // The torn tail is gone from the file: the next record did not land on its line.
        assertThat(Files.readString(dir.resolve(WorkerJournal.FILE))).doesNotContain(next.substring(0, 20));
    }

    @Test
    void aRecordWhoseChecksumDoesNotMatchIsSkippedNotFatal() throws Exception {
        BuildEvent event = BuildEventBuilder.event(11, BuildEvent.Kind.STAGE).stage(Stage.IMAGE.label())
            .at(java.time.Instant.parse("2026-12-01T10:00:00Z")).build();
        String first = WorkerJournal.line(new JsonObject().put("order", 1).put("event", event.toJson()));
        String damaged = WorkerJournal.line(new JsonObject().put("order", 2).put("event", event.toJson().put("seq", 2)))
            .replace("\"seq\":2", "\"seq\":7");
        String third = WorkerJournal.line(new JsonObject().put("order", 3).put("event", event.toJson().put("seq", 3)));
        Files.writeString(dir.resolve(WorkerJournal.FILE), first + damaged + third + "garbage without a checksum\n");
        startMaster();
        outbox();
        until("two events acknowledged", () -> acknowledged.size() == 2);
        assertThat(acknowledged).extracting(BuildEvent::seq).containsExactly(1L, 3L);
    }

    @Test
    void theFilesOfTheOldOutboxFormatAreMovedIntoTheJournalOnce() throws Exception {
        BuildEvent stage = BuildEventBuilder.event(12, BuildEvent.Kind.STAGE).attempt(2).stage(Stage.SIDE_REPO.label())
            .at(java.time.Instant.parse("2026-12-01T10:00:00Z")).build();
        BuildEvent failed = BuildEventBuilder.event(13, BuildEvent.Kind.FAILED).seq(2)
            .reason("lorax exited with status 1").at(java.time.Instant.parse("2026-12-01T10:01:00Z")).build();
        // What the version before the journal left: one file per event (order-build-attempt-seq) and per run.
        Files.writeString(dir.resolve("0000000000000002-13-1-2.event.json"), failed.toJson().encode());
        Files.writeString(dir.resolve("0000000000000001-12-2-1.event.json"), stage.toJson().encode());
        Files.writeString(dir.resolve("0000000000000003-12-2-2.event.json.tmp"), "{\"build\": 12, \"se");
        Files.writeString(dir.resolve("run-12.json"), new JsonObject().put("build", 12).put("attempt", 2)
            .put("tools", new io.vertx.core.json.JsonArray()).encode());

        EventOutbox outbox = new EventOutbox(vertx, dir, "w1");
        List<EventOutbox.Run> runs = onContext(outbox::start);

        assertThat(runs).containsExactly(new EventOutbox.Run(12, 2, List.of()));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(WorkerJournal.FILE);
        }
        assertThat(journal().events().values()).extracting(e -> e.buildId() + ":" + e.seq())
            .containsExactly("12:1", "13:2");
        startMaster();
        onContext(() -> outbox.reportLost(runs));
        until("three events acknowledged", () -> acknowledged.size() == 3);
        assertThat(acknowledged).extracting(e -> e.buildId() + ":" + e.attempt() + ":" + e.kind())
            .containsExactly("12:2:STAGE", "13:1:FAILED", "12:2:LOST");
        until("nothing left in the journal", () -> files() == 0 && journal().runs().isEmpty());
    }

    @Test
    void eventsThatArriveTogetherShareAnFsyncAndTheAcknowledgedOnesAreCompactedAway() throws Exception {
        EventOutbox outbox = new EventOutbox(vertx, dir, "w1", 4096);
        assertThat(onContext(outbox::start)).isEmpty();
        startMaster();
        int builds = 40;
        // The journal's thread is held while the records arrive, as a busy disk holds it: whatever arrived meanwhile
        // goes out together when it is free (without the hold, how many arrive together depends on the machine).
        java.util.concurrent.CountDownLatch markersIn = new java.util.concurrent.CountDownLatch(1);
        outbox.onJournalThread(() -> awaitLatch(markersIn));
        List<Future<Void>> marked = new java.util.ArrayList<>();
        for (int b = 1; b <= builds; b++) {
            marked.add(outbox.markRunning(b, 1));
        }
        markersIn.countDown();
        await(Future.all(marked));
        assertThat(outbox.fsyncs()).as("40 run markers that arrived together").isEqualTo(1);
        java.util.concurrent.CountDownLatch eventsIn = new java.util.concurrent.CountDownLatch(1);
        outbox.onJournalThread(() -> awaitLatch(eventsIn));
        onContext(() -> {
            List<Future<Void>> written = new java.util.ArrayList<>();
            for (int b = 1; b <= builds; b++) {
                outbox.begin(b, 1);
                outbox.stage(b, Stage.SIDE_REPO);
                outbox.stage(b, Stage.IMAGE);
                written.add(outbox.succeeded(b, List.of(), List.of(), List.of("done")));
            }
            eventsIn.countDown();
            return Future.all(written);
        });
        until("every event acknowledged", () -> acknowledged.size() == 3 * builds);
        // 40 markers and 120 events: as one file each, with two fsyncs, they made 320 fsyncs before the journal; the
        // acknowledgements need none (a lost one only makes an event be sent again).
        assertThat(outbox.fsyncs()).as("then 120 events that arrived together").isEqualTo(2);
        until("the acknowledgements in the journal", () -> files() == 0);
        await(outbox.close());
        // Well over 4 KiB were written; compaction kept the file to what is live (nothing, or a few acks since).
        assertThat(Files.size(dir.resolve(WorkerJournal.FILE))).isLessThan(4096);
        assertThat(journal().runs()).isEmpty();
        assertThat(journal().events()).isEmpty();
    }

    private static void awaitLatch(java.util.concurrent.CountDownLatch latch) {
        try {
            if (!latch.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the journal's thread");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int files() {
        try {
            return journal().events().size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
