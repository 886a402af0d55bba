package org.fbs.master;

import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.JobOfferBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fbs.build.Artifact;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent.Kind;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.spec.SpecParser;
import org.fbs.staging.FileStager;
import org.fbs.staging.StagingException;
import org.fbs.staging.StagingFolder;
import org.fbs.staging.StagingMark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's first partition run, replayed on the protocol with played workers and the real master and staging
 * rules: a worker cut off after staging attempt 1, a second worker running attempt 2, the first one back with its
 * old lease and a second copy of attempt 2 under a lease the master gave up on. The build must end SUCCEEDED once,
 * with the image in its staging folder, and nobody's late word may cancel it.
 */
class PartitionReplayTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");

    @TempDir
    Path data;
    @TempDir
    Path staged;
    MasterTestBed master;

    @AfterEach
    void stop() throws Exception {
        if (master != null) {
            master.close();
        }
    }

    /** A worker that takes offers (one build at a time), beats while it is reachable, and stages as a worker does. */
    final class Played {
        final String name;
        final AtomicBoolean reachable = new AtomicBoolean(true);
        final Map<Long, JobOffer> taken = new ConcurrentHashMap<>();
        final List<CancelRequest> stops = new CopyOnWriteArrayList<>();

        Played(String name) throws Exception {
            this.name = name;
            MessageConsumer<JsonObject> offers = master.vertx.eventBus().consumer(Addresses.offer(name), msg -> {
                JobOffer offer = JobOffer.fromJson(msg.body());
                if (!reachable.get() || !taken.isEmpty()) {
                    msg.reply(OfferReply.decline(name, "no free slot").toJson());
                    return;
                }
                taken.put(offer.buildId(), offer);
                msg.reply(OfferReply.accept(name).toJson());
            });
            MessageConsumer<JsonObject> cancels = master.vertx.eventBus().consumer(Addresses.cancel(name), msg -> {
                stops.add(CancelRequest.fromJson(msg.body()));
                msg.reply(CancelRequest.answer(true));
            });
            await(offers.completion());
            await(cancels.completion());
            master.vertx.setPeriodic(200, t -> {
                if (reachable.get()) {
                    announce();
                }
            });
            announce();
        }

        void announce() {
            master.vertx.eventBus().publish(Addresses.WORKERS, WorkerStatusBuilder.status(name).addresses(ADDRESS)
                .running(List.copyOf(taken.keySet())).build().toJson());
        }

        void send(JobOffer run, long seq, Kind kind, List<Artifact> artifacts) throws Exception {
            await(master.vertx.eventBus().request(Addresses.EVENTS, BuildEventBuilder.event(run.buildId(), kind)
                .attempt(run.attempt()).seq(seq).worker(name).stage(kind == Kind.STAGE ? "image" : null)
                .reason(kind == Kind.CANCELED ? "canceled on request" : null).artifacts(artifacts).lease(run.lease())
                .build().toJson()));
        }

        /**
         * Stages {@code iso} as a worker does: into the build's folder if its lease may take it, else beside it. Returns
         * the staged artifacts.
         */
        List<Artifact> stage(JobOffer run, byte[] iso) throws Exception {
            Path file = Files.write(Files.createTempFile(data, name, ".iso"), iso);
            StagingMark mark = StagingMark.of(run.buildId(), run.attempt(), run.lease(), Set.copyOf(run.deadLeases()),
                SpecParser.fromJson(run.spec()));
            FileStager stager = new FileStager(List.of(staged));
            String folder = "Fedora-x86_64-41-" + run.buildId();
            try {
                return stageInto(stager, run, mark, folder, file);
            } catch (StagingException e) {
                assertThat(e.folderHeld()).as(e.getMessage()).isTrue();
                return stageInto(stager, run, mark, folder + "-lease-" + run.lease().substring(0, 8), file);
            }
        }

        private List<Artifact> stageInto(FileStager stager, JobOffer run, StagingMark mark, String folder, Path file)
            throws StagingException {
            try (StagingFolder target = stager.open(SpecParser.fromJson(run.spec()).staging(), mark, folder)) {
                Artifact a = target.put(file, "boot.iso");
                target.commit();
                return List.of(a);
            } catch (org.fbs.spec.SpecException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aWorkerCutOffAfterStagingAndBackWithStaleLeasesCannotEndOrSpoilTheBuild() throws Exception {
        master = new MasterTestBed(data, new JsonObject().put("worker-timeout", "1s").put("max-retries", 2));
        Played a = new Played("w-a");
        long id = new JsonObject(master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file://"
            + staged + "\n").body()).getLong("id");
        master.awaitBuild(id, b -> "w-a".equals(b.getString("worker")));
        JobOffer first = a.taken.get(id);
        a.send(first, 1, Kind.STAGE, List.of());

        // The link to w-a is cut: it stays silent, and finishes attempt 1 meanwhile (staged, its end not delivered).
        a.reachable.set(false);
        List<Artifact> staleIso = a.stage(first, "attempt 1 of w-a".getBytes());
        JsonObject requeued = master.awaitBuild(id, b -> "QUEUED".equals(b.getString("state")));
        assertThat(requeued.getInteger("attempt")).isEqualTo(1);

        Played b = new Played("w-b");
        master.awaitBuild(id, x -> "w-b".equals(x.getString("worker")));
        JobOffer second = b.taken.get(id);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.deadLeases()).containsExactly(first.lease());
        b.send(second, 1, Kind.STAGE, List.of());

        // The link comes back: w-a's old end arrives, then a second copy of attempt 2 (an offer the master gave
        // up on, taken late), whose stop ends in CANCELED: none of it may touch the build.
        a.send(first, 2, Kind.SUCCEEDED, staleIso);
        JobOffer lapsedCopy = JobOfferBuilder.offer(id, second.spec()).attempt(2)
            .lease("0a0a0a0a-dead-4000-8000-000000000002").deadline(second.deadline())
            .deadLeases(List.of(first.lease())).build();
        a.send(lapsedCopy, 1, Kind.STAGE, List.of());
        until("w-a is told to stop the copy it should not run", () -> a.stops.stream()
            .anyMatch(s -> s.buildId() == id && lapsedCopy.lease().equals(s.lease())));
        a.send(lapsedCopy, 2, Kind.CANCELED, List.of());
        JsonObject meanwhile = master.build(id);
        assertThat(meanwhile.getString("state")).isEqualTo("RUNNING");
        assertThat(meanwhile.getString("worker")).isEqualTo("w-b");

        // w-b stages: attempt 1's lease was declared dead, so its folder is taken over.
        byte[] image = "attempt 2 of w-b".getBytes();
        List<Artifact> isos = b.stage(second, image);
        // The late copy stages after it: w-b's folder is not its to empty; it writes beside it.
        List<Artifact> copy = a.stage(lapsedCopy, "a copy nobody counts".getBytes());
        assertThat(copy.get(0).location()).contains("-lease-0a0a0a0a");
        b.send(second, 2, Kind.SUCCEEDED, isos);

        JsonObject done = master.awaitBuild(id, x -> "SUCCEEDED".equals(x.getString("state")));
        assertThat(done.getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("state"))
            .filter(s -> s.equals("SUCCEEDED") || s.equals("CANCELED") || s.equals("FAILED")))
            .containsExactly("SUCCEEDED");
        assertThat(done.getString("worker")).isEqualTo("w-b");
        assertThat(done.getJsonArray("artifacts").getJsonObject(0).getString("location"))
            .isEqualTo(isos.get(0).location());
        assertThat(Files.readAllBytes(staged.resolve("Fedora-x86_64-41-" + id + "/boot.iso"))).isEqualTo(image);
        // Later word of either stale lease changes nothing.
        a.send(first, 3, Kind.FAILED, List.of());
        assertThat(master.build(id)).isEqualTo(done);
    }
}
