package org.fbs.master;

import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's side of worker loss, against workers played by the test: a silent worker's builds go back to the
 * queue and to another worker, attempt by attempt, until the retries are used up; only the current attempt's events
 * count; a worker still running a build that is no longer its own is told to stop.
 */
class WorkerLossTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");
    static final String INI = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nemail=qa@example.org\n";

    @TempDir
    Path data;
    MasterTestBed master;

    @AfterEach
    void stop() throws Exception {
        if (master != null) {
            master.close();
        }
    }

    void start(int maxRetries) throws Exception {
        master = new MasterTestBed(data, new JsonObject().put("worker-timeout", "1s").put("max-retries", maxRetries));
    }

    /**
     * A worker that takes one offer while it is accepting, announces itself every 200 ms while it beats, and counts
     * the cancel requests it gets.
     */
    final class PlayedWorker {
        final String name;
        final AtomicBoolean accepting = new AtomicBoolean(true);
        final AtomicBoolean beating = new AtomicBoolean(true);
        final Map<Long, Integer> attempts = new ConcurrentHashMap<>();
        /** The lease of each build it took: stamped on its events, as a worker does. */
        final Map<Long, String> leases = new ConcurrentHashMap<>();
        final List<Long> cancels = new CopyOnWriteArrayList<>();
        final List<MessageConsumer<JsonObject>> consumers = new CopyOnWriteArrayList<>();

        PlayedWorker(String name) throws Exception {
            this.name = name;
            MessageConsumer<JsonObject> offers = master.vertx.eventBus().consumer(Addresses.offer(name), msg -> {
                JobOffer offer = JobOffer.fromJson(msg.body());
                if (accepting.get() && attempts.isEmpty()) {
                    attempts.put(offer.buildId(), offer.attempt());
                    leases.put(offer.buildId(), offer.lease());
                    msg.reply(OfferReply.accept(name).toJson());
                } else {
                    msg.reply(OfferReply.decline(name, "no free slot").toJson());
                }
            });
            MessageConsumer<JsonObject> cancel = master.vertx.eventBus().consumer(Addresses.cancel(name), msg -> {
                cancels.add(CancelRequest.fromJson(msg.body()).buildId());
                msg.reply(CancelRequest.answer(true));
            });
            consumers.add(offers);
            consumers.add(cancel);
            await(offers.completion());
            await(cancel.completion());
            announce(List.of());
            master.vertx.setPeriodic(200, t -> {
                if (beating.get()) {
                    announce(List.copyOf(attempts.keySet()));
                } else {
                    master.vertx.cancelTimer(t);
                }
            });
        }

        void announce(List<Long> running) {
            master.vertx.eventBus().publish(Addresses.WORKERS,
                WorkerStatusBuilder.status(name).addresses(ADDRESS).running(running).build().toJson());
        }

        /** Stops answering anything, as a killed worker does. */
        void die() throws Exception {
            accepting.set(false);
            beating.set(false);
            for (MessageConsumer<JsonObject> c : consumers) {
                await(c.unregister());
            }
        }

        void event(long build, int attempt, long seq, BuildEvent.Kind kind, String stage) throws Exception {
            event(build, attempt, seq, kind, stage, leases.get(build));
        }

        void event(long build, int attempt, long seq, BuildEvent.Kind kind, String stage, String lease)
            throws Exception {
            BuildEvent event = BuildEventBuilder.event(build, kind).attempt(attempt).seq(seq).worker(name).stage(stage)
                .lease(lease).build();
            await(master.vertx.eventBus().request(Addresses.EVENTS, event.toJson()));
        }
    }

    long submit() throws Exception {
        return new JsonObject(master.post("text/plain", INI).body()).getLong("id");
    }

    /** The note of the last transition to {@code state}: why the build went there. */
    static String lastNote(JsonObject build, String state) {
        List<JsonObject> entries = history(build, state);
        return entries.get(entries.size() - 1).getString("note");
    }

    static List<JsonObject> history(JsonObject build, String state) {
        return build.getJsonArray("history").stream().map(JsonObject.class::cast)
            .filter(h -> h.getString("state").equals(state)).toList();
    }

    @Test
    void aSilentWorkersBuildIsQueuedAgainAndFinishedByAnotherWorker() throws Exception {
        start(2);
        PlayedWorker first = new PlayedWorker("w-first");
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));
        first.event(id, 1, 1, BuildEvent.Kind.STAGE, "image");
        first.die();

        // Nothing more from w-first: after the timeout (1 s) the build is queued again.
        JsonObject requeued = master.awaitBuild(id, b -> b.getString("state").equals("QUEUED"));
        assertThat(lastNote(requeued, "QUEUED"))
            .isEqualTo("worker w-first was lost (no heartbeat for 1 s) during attempt 1 of 3; queued again");
        assertThat(requeued.getValue("worker")).isNull();
        assertThat(requeued.getValue("logUrl")).isNull();

        PlayedWorker second = new PlayedWorker("w-second");
        JsonObject again = master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));
        assertThat(again.getString("worker")).isEqualTo("w-second");
        assertThat(second.attempts).containsEntry(id, 2);

        // A late event of the lost attempt is acknowledged and changes nothing.
        first.event(id, 1, 2, BuildEvent.Kind.SUCCEEDED, null);
        assertThat(master.build(id).getString("state")).isEqualTo("ASSIGNED");

        second.event(id, 2, 1, BuildEvent.Kind.STAGE, "image");
        second.event(id, 2, 2, BuildEvent.Kind.SUCCEEDED, null);
        JsonObject done = master.awaitBuild(id, b -> b.getString("state").equals("SUCCEEDED"));
        assertThat(done.getString("worker")).isEqualTo("w-second");
        assertThat(done.getInteger("attempt")).isEqualTo(2);
        assertThat(history(done, "ASSIGNED")).extracting(h -> h.getString("note"))
            .containsExactly("w-first", "w-second");
        assertThat(history(done, "QUEUED")).hasSize(2);
        assertThat(history(done, "SUCCEEDED")).hasSize(1);

        // The user heard of the requeue, then of the end, each once.
        until("the mails", () -> kinds(id).size() == 4);
        assertThat(kinds(id)).containsExactly("started", "requeued", "started", "finished");
    }

    @Test
    void aBuildThatLosesItsWorkerMoreOftenThanTheRetriesAllowFailsWithTheReason() throws Exception {
        start(1);
        long id = submit();
        for (int attempt = 1; attempt <= 2; attempt++) {
            PlayedWorker worker = new PlayedWorker("w-" + attempt);
                int expected = attempt;
            master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED") && b.getInteger("attempt") == expected);
            worker.die();
            if (attempt == 1) {
                master.awaitBuild(id, b -> b.getString("state").equals("QUEUED"));
            }
        }
        JsonObject failed = master.awaitBuild(id, b -> b.getString("state").equals("FAILED"));
        assertThat(failed.getString("reason"))
            .isEqualTo("worker w-2 was lost (no heartbeat for 1 s) during attempt 2 of 2; no retries left");
        assertThat(history(failed, "ASSIGNED")).hasSize(2);
        until("the mails", () -> kinds(id).contains("finished"));
        assertThat(kinds(id)).containsExactly("requeued", "finished");
    }

    @Test
    void eventsApplyOnceAndOnlyForTheCurrentLease() throws Exception {
        start(2);
        PlayedWorker worker = new PlayedWorker("w1");
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));

        worker.event(id, 1, 1, BuildEvent.Kind.STAGE, "side-repo");
        worker.event(id, 1, 1, BuildEvent.Kind.STAGE, "side-repo"); // resent: applied once
        // A lease the build never had, whatever its attempt number: acknowledged, not applied.
        worker.event(id, 1, 2, BuildEvent.Kind.FAILED, null, "0f6c1e2a-0000-4000-8000-000000000007");
        worker.event(id, 1, 2, BuildEvent.Kind.FAILED, null, null); // no lease at all
        worker.event(id, 1, 2, BuildEvent.Kind.STAGE, "image");

        JsonObject build = master.build(id);
        assertThat(build.getString("state")).isEqualTo("RUNNING");
        assertThat(build.getString("stage")).isEqualTo("image");
        assertThat(history(build, "RUNNING")).extracting(h -> h.getString("stage"))
            .containsExactly("side-repo", "image");
    }

    @Test
    void aRestartedWorkerThatReportsItsRunLostGetsTheBuildQueuedAgain() throws Exception {
        start(2);
        PlayedWorker worker = new PlayedWorker("w1");
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));
        worker.event(id, 1, 1, BuildEvent.Kind.STAGE, "image");
        worker.accepting.set(false);
        worker.attempts.clear();

        // Its new process knows neither the seq reached nor anything but the attempt.
        worker.event(id, 1, 1, BuildEvent.Kind.LOST, null);
        JsonObject requeued = master.build(id);
        assertThat(requeued.getString("state")).isEqualTo("QUEUED");
        // (its reason may already say why it waits now; the history keeps why it went back)
        assertThat(lastNote(requeued, "QUEUED")).isEqualTo(
            "worker w1 restarted and could not resume it during attempt 1 of 3; queued again");
        // Resent LOST: the attempt is no longer running, nothing more happens.
        worker.event(id, 1, 1, BuildEvent.Kind.LOST, null);
        assertThat(history(master.build(id), "QUEUED")).hasSize(2);
    }

    @Test
    void aWorkerStillRunningABuildGivenToAnotherIsToldToStop() throws Exception {
        start(2);
        PlayedWorker first = new PlayedWorker("w-first");
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));
        first.accepting.set(false);
        first.beating.set(false);
        // Partitioned: no heartbeat, so the master gives up on it...
        master.awaitBuild(id, b -> b.getString("state").equals("QUEUED"));
        PlayedWorker second = new PlayedWorker("w-second");
        master.awaitBuild(id, b -> "w-second".equals(b.getString("worker")));

        // ...then it comes back, still running the build: it is told to stop, the other worker is not.
        first.announce(List.of(id));
        until("a cancel request to w-first", () -> first.cancels.contains(id));
        // w-second's own announcements (it beats) name the build too; once w-first hears again, they have been seen.
        second.announce(List.of(id));
        first.announce(List.of(id));
        until("a second cancel request to w-first", () -> first.cancels.size() == 2);
        assertThat(second.cancels).isEmpty();
        assertThat(master.build(id).getString("worker")).isEqualTo("w-second");
    }

    List<String> kinds(long build) {
        try {
            return new JsonObject(master.get("/api/v1/mails").body()).getJsonArray("mails").stream()
                .map(JsonObject.class::cast).filter(m -> m.getLong("build") == build)
                .sorted((a, b) -> Long.compare(a.getLong("id"), b.getLong("id")))
                .map(m -> m.getString("kind")).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
