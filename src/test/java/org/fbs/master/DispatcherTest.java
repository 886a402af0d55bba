package org.fbs.master;

import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's dispatcher against workers played by the test on the event bus, speaking the real protocol. */
class DispatcherTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");
    static final String INI = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n";

    @TempDir
    Path data;
    MasterTestBed master;

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data);
    }

    @AfterEach
    void stop() throws Exception {
        master.close();
    }

    /** The lease of each build's last accepted offer, as the worker that took it stamps it on its events. */
    final Map<Long, String> leases = new ConcurrentHashMap<>();

    /** A worker that answers offers (on its own offer address) as told and remembers what it was offered. */
    final class PlayedWorker {
        final String name;
        final AtomicBoolean accepting = new AtomicBoolean();
        final List<Long> offered = new CopyOnWriteArrayList<>();
        final List<Long> accepted = new CopyOnWriteArrayList<>();
        final MessageConsumer<JsonObject> consumer;

        PlayedWorker(String name, boolean accepts) throws Exception {
            this.name = name;
            accepting.set(accepts);
            consumer = master.vertx.eventBus().consumer(Addresses.offer(name), msg -> {
                JobOffer offer = JobOffer.fromJson(msg.body());
                long id = offer.buildId();
                offered.add(id);
                if (accepting.get()) {
                    accepted.add(id);
                    leases.put(id, offer.lease());
                    msg.reply(OfferReply.accept(name).toJson());
                } else {
                    msg.reply(OfferReply.decline(name, "no free slot").toJson());
                }
            });
            await(consumer.completion());
        }

        void announce(int slots, List<Long> running) {
            master.vertx.eventBus().publish(Addresses.WORKERS,
                WorkerStatusBuilder.status(name).url("http://" + name + ":5100").addresses(ADDRESS).slots(slots)
                    .running(running).build().toJson());
        }
    }

    long submit() throws Exception {
        return new JsonObject(master.post("text/plain", INI).body()).getLong("id");
    }

    void event(long build, long seq, BuildEvent.Kind kind, String stage, List<Artifact> artifacts) throws Exception {
        BuildEvent event = BuildEventBuilder.event(build, kind).seq(seq).stage(stage).artifacts(artifacts)
            .lease(leases.get(build)).build();
        await(master.vertx.eventBus().request(Addresses.EVENTS, event.toJson()));
    }

    @Test
    void aDeclinedBuildWaitsWithTheReasonAndIsOfferedAgainWhenASlotFrees() throws Exception {
        PlayedWorker worker = new PlayedWorker("w1", false);
        worker.announce(1, List.of(99L));
        long id = submit();

        JsonObject waiting = master.awaitBuild(id, b -> b.getString("reason") != null);
        assertThat(waiting.getString("state")).isEqualTo("QUEUED");
        assertThat(waiting.getString("reason")).isEqualTo("all workers for x86_64/41 are busy; waiting for a free slot");

        worker.accepting.set(true);
        worker.announce(1, List.of());

        JsonObject assigned = master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));
        assertThat(assigned.getString("worker")).isEqualTo("w1");
        // The worker's announced URL, signed as the API hands it out.
        assertThat(assigned.getString("logUrl")).startsWith("http://w1:5100/log/" + id + "?expires=");
        assertThat(assigned.getValue("reason")).isNull();
    }

    @Test
    void anOfferDeclinedByOneWorkerGoesToTheNext() throws Exception {
        PlayedWorker busy = new PlayedWorker("busy", false);
        PlayedWorker free = new PlayedWorker("free", true);
        busy.announce(1, List.of(99L));
        free.announce(1, List.of());
        Thread.sleep(200); // let both announcements arrive before the offer

        for (int i = 0; i < 4; i++) {
            long id = submit();
            JsonObject build = master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));
            assertThat(build.getString("worker")).isEqualTo("free");
            free.announce(1, List.of()); // its slot frees again (the played worker runs nothing)
        }
        assertThat(free.accepted).hasSize(4);
        // The busy worker announced no free slot: it is not asked at all.
        assertThat(busy.offered).isEmpty();
    }

    @Test
    void queuedBuildsAreOfferedOldestFirst() throws Exception {
        PlayedWorker worker = new PlayedWorker("w1", false);
        long first = submit();
        long second = submit();
        long third = submit();
        master.awaitBuild(first, b -> b.getString("reason") != null);

        worker.accepting.set(true);
        worker.announce(3, List.of());

        master.awaitBuild(third, b -> b.getString("state").equals("ASSIGNED"));
        assertThat(worker.accepted).containsExactly(first, second, third);
    }

    @Test
    void aWorkerWithFreeSlotsIsOfferedSeveralBuildsBeforeItAnswersTheFirst() throws Exception {
        List<Message<JsonObject>> held = new CopyOnWriteArrayList<>();
        MessageConsumer<JsonObject> slow = master.vertx.eventBus().consumer(Addresses.offer("slow"), held::add);
        await(slow.completion());
        master.vertx.eventBus().publish(Addresses.WORKERS,
            WorkerStatusBuilder.status("slow").url("http://slow:5100").addresses(ADDRESS).slots(8).build().toJson());
        Thread.sleep(200); // the announcement arrives before the builds

        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(submit());
        }

        // All eight offers are out while none has been answered: one offer at a time would have sent one.
        until("eight offers out", () -> held.size() >= 8);
        assertThat(held).hasSize(8);
        held.forEach(m -> m.reply(OfferReply.accept("slow").toJson()));
        for (long id : ids) {
            assertThat(master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED")).getString("worker"))
                .isEqualTo("slow");
        }
    }

    @Test
    void buildsQueuedBehindAWaitingOneShowTheSameReason() throws Exception {
        long first = submit();
        long second = submit();
        long third = submit();

        for (long id : List.of(first, second, third)) {
            assertThat(master.awaitBuild(id, b -> b.getString("reason") != null).getString("reason"))
                .isEqualTo("no worker online for x86_64/41");
        }
    }

    @Test
    void workerEventsAreAppliedOnceAndInOrder() throws Exception {
        PlayedWorker worker = new PlayedWorker("w1", true);
        worker.announce(1, List.of());
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));

        event(id, 1, BuildEvent.Kind.STAGE, "side-repo", List.of());
        event(id, 2, BuildEvent.Kind.STAGE, "image", List.of());
        event(id, 1, BuildEvent.Kind.STAGE, "side-repo", List.of()); // a resend: acknowledged, not applied
        JsonObject running = master.build(id);
        assertThat(running.getString("state")).isEqualTo("RUNNING");
        assertThat(running.getString("stage")).isEqualTo("image");
        assertThat(running.getJsonArray("history")).hasSize(4);

        Artifact iso = new Artifact("boot.iso", 3, "ab".repeat(32), "file:///srv/fbs/boot.iso");
        event(id, 3, BuildEvent.Kind.SUCCEEDED, null, List.of(iso));
        event(id, 3, BuildEvent.Kind.SUCCEEDED, null, List.of(iso));

        JsonObject done = master.build(id);
        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getValue("stage")).isNull();
        assertThat(done.getJsonArray("artifacts").getJsonObject(0).getString("location"))
            .isEqualTo("file:///srv/fbs/boot.iso");
        assertThat(done.getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("state")))
            .containsExactly("QUEUED", "ASSIGNED", "RUNNING", "RUNNING", "SUCCEEDED");
        assertThat(worker.offered).containsExactly(id);
        // An ended build takes no more events, so its answer, now kept by the API, stays the same.
        event(id, 4, BuildEvent.Kind.FAILED, null, List.of());
        assertThat(master.build(id)).isEqualTo(done);
        JsonObject stored = new JsonObject(master.get("/api/v1/builds?limit=1").body()).getJsonArray("builds")
            .getJsonObject(0); // the list is read from the store every time
        assertThat(stored).isEqualTo(done);
    }

    @Test
    void theExtraPackagesASucceededBuildReportsAreShownWithIt() throws Exception {
        new PlayedWorker("w1", true).announce(1, List.of());
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));

        BuildEvent succeeded = BuildEventBuilder.event(id, BuildEvent.Kind.SUCCEEDED)
            .extraPackages(List.of(new ExtraPackage("anaconda-41.35-1.fc41.x86_64", 2_345_678)))
            .lease(leases.get(id)).build();
        await(master.vertx.eventBus().request(Addresses.EVENTS, succeeded.toJson()));

        JsonObject done = master.build(id);
        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getJsonArray("extraPackages")).containsExactly(
            new JsonObject().put("nvra", "anaconda-41.35-1.fc41.x86_64").put("size", 2_345_678));
    }

    @Test
    void aFailedBuildKeepsTheWorkersReason() throws Exception {
        new PlayedWorker("w1", true).announce(1, List.of());
        long id = submit();
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));

        BuildEvent failed = BuildEventBuilder.event(id, BuildEvent.Kind.FAILED).reason("lorax exited with status 1")
            .lease(leases.get(id)).build();
        await(master.vertx.eventBus().request(Addresses.EVENTS, failed.toJson()));

        JsonObject done = master.build(id);
        assertThat(done.getString("state")).isEqualTo("FAILED");
        assertThat(done.getString("reason")).isEqualTo("lorax exited with status 1");
    }

    @Test
    void anUnreadableAnswerLeavesTheBuildQueuedAndTheQueueMoving() throws Exception {
        MessageConsumer<JsonObject> broken = master.vertx.eventBus().consumer(Addresses.offer("w1"),
            msg -> msg.reply(new JsonObject().put("accepted", "maybe")));
        await(broken.completion());
        master.vertx.eventBus().publish(Addresses.WORKERS,
            WorkerStatusBuilder.status("w1").url("http://w1:5100").addresses(ADDRESS).build().toJson());
        Thread.sleep(200); // the announcement arrives before the build
        long id = submit();

        JsonObject waiting = master.awaitBuild(id, b -> b.getString("reason") != null);
        assertThat(waiting.getString("reason")).isEqualTo("a worker for x86_64/41 gave an unreadable answer");

        await(broken.unregister());
        PlayedWorker worker = new PlayedWorker("w1", true);
        worker.announce(1, List.of());
        assertThat(master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED")).getString("worker"))
            .isEqualTo("w1");
    }
}
