package org.fbs.master;

import static org.fbs.testkit.Waits.eventually;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.WorkerStatusBuilder;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.config.FbsConfig;
import org.fbs.config.Isolation;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.protocol.WorkerStatus;
import org.fbs.service.MasterException;
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
 * Kickstarts are code: an untrusted owner's live or dvd build runs only on a worker whose isolation holds it, and is
 * refused at submit where no online worker has that. Real master and intake; workers played on the event bus as
 * the real worker answers (a worker without isolation declines an offer that needs it).
 */
class UntrustedBuildsTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");
    static final Caller MALLORY = new Caller("mallory", null, false);
    static final Caller PACKAGER = new Caller("pat", null, false, true);

    @TempDir
    Path data;
    MasterTestBed master;
    AsyncBuildStore store;
    MasterService intake;

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data);
        store = new AsyncBuildStore(master.vertx, BuildStore.open(data));
        intake = new LocalMasterService(master.vertx, store, FbsConfig.from(new JsonObject()).master());
    }

    @AfterEach
    void stop() throws Exception {
        await(store.close());
        master.close();
    }

    /** A worker as the real one answers: it declines an offer that needs isolation its own does not cover. */
    final class PlayedWorker {
        final String name;
        final Isolation isolation;
        final List<JobOffer> offered = new CopyOnWriteArrayList<>();
        final List<Long> accepted = new CopyOnWriteArrayList<>();
        final MessageConsumer<JsonObject> consumer;

        PlayedWorker(String name, Isolation isolation) throws Exception {
            this.name = name;
            this.isolation = isolation;
            consumer = master.vertx.eventBus().consumer(Addresses.offer(name), msg -> {
                JobOffer offer = JobOffer.fromJson(msg.body());
                offered.add(offer);
                if (offer.isolate() && !isolation.covers(org.fbs.build.ImageKinds.of(offer.spec()).name())) {
                    msg.reply(OfferReply.decline(name, "no isolation").toJson());
                } else {
                    accepted.add(offer.buildId());
                    msg.reply(OfferReply.accept(name).toJson());
                }
            });
            await(consumer.completion());
            master.vertx.eventBus().publish(Addresses.WORKERS, WorkerStatusBuilder.status(name)
                .url("http://" + name + ":5100").addresses(ADDRESS).slots(8).types("boot", "live", "live-kiwi", "dvd")
                .isolation(isolation.label()).build().toJson());
        }
    }

    static BuildSpec spec(String type) throws Exception {
        JsonObject json = new JsonObject().put("type", type).put("arch", "x86_64").put("release", "41");
        if (!type.equals("boot")) {
            json.put(type, new JsonObject().put("config", "my.ks")
                .put("kickstart", "url --url=https://example.org/os/\n%post --nochroot\ncat /etc/shadow\n%end\n"));
        }
        return SpecParser.fromJson(json);
    }

    static Isolation virt() {
        return new Isolation(Isolation.Mode.VIRT, Path.of("/var/lib/fbs/boot.iso"));
    }

    void awaitWorkers(int n) throws Exception {
        eventually("the master hears of " + n + " workers",
            () -> new JsonObject(master.get("/api/v1/workers").body()).getJsonArray("workers"), all -> all.size() >= n);
    }

    static MasterException refusal(io.vertx.core.Future<Build> submitted) {
        try {
            await(submitted);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MasterException refused) {
                return refused;
            }
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the build was accepted");
    }

    @Test
    void anUntrustedOwnersLiveBuildIsRefusedWhereNoWorkerIsolatesAndATrustedOwnersPasses() throws Exception {
        new PlayedWorker("plain", Isolation.NONE);
        awaitWorkers(1);

        for (String type : List.of("live", "dvd")) {
            MasterException refused = refusal(intake.submit(spec(type), MALLORY));
            assertThat(refused.reason()).isEqualTo(MasterException.Reason.UNTRUSTED);
            assertThat(refused.getMessage()).isEqualTo("no online worker for x86_64/41 isolates " + type + " builds,"
                + " and your " + type + " kickstart would run as root on the worker: only admins and members of"
                + " master.auth.trusted-group may run it there. An operator can add you to that group, or run a worker"
                + " with worker.isolation: virt (it isolates livemedia-creator live builds)");
        }
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();

        // Boot builds run no code of their owner's; trusted owners' kickstarts run anywhere.
        Build boot = await(intake.submit(spec("boot"), MALLORY));
        Build live = await(intake.submit(spec("live"), PACKAGER));
        Build dvd = await(intake.submit(spec("dvd"), Caller.LOCAL));
        for (Build build : List.of(boot, live, dvd)) {
            assertThat(build.isolate()).isFalse();
            assertThat(master.awaitBuild(build.id(), b -> b.getString("state").equals("ASSIGNED"))
                .getString("worker")).isEqualTo("plain");
        }
    }

    @Test
    void withAVirtWorkerTheUntrustedLiveBuildGoesToItAndNeverToTheWorkerWithoutIsolation() throws Exception {
        PlayedWorker plain = new PlayedWorker("plain", Isolation.NONE);
        PlayedWorker vm = new PlayedWorker("vm", virt());
        awaitWorkers(2);

        for (int i = 0; i < 4; i++) {
            Build build = await(intake.submit(spec("live"), MALLORY));
            assertThat(build.isolate()).isTrue();
            assertThat(master.awaitBuild(build.id(), b -> b.getString("state").equals("ASSIGNED"))
                .getString("worker")).isEqualTo("vm");
        }
        assertThat(vm.accepted).hasSize(4);
        assertThat(plain.accepted).isEmpty();
        assertThat(plain.offered).allMatch(JobOffer::isolate);

        // virt isolates livemedia-creator only: kiwi and dvd builds of an untrusted owner are still refused.
        MasterException refused = refusal(intake.submit(spec("dvd"), MALLORY));
        assertThat(refused.reason()).isEqualTo(MasterException.Reason.UNTRUSTED);
        assertThat(refused.getMessage()).startsWith("no online worker for x86_64/41 isolates dvd builds");
    }

    @Test
    void theRestApiAnswers403SayingWhyAndTheWorkerListShowsIsolation() throws Exception {
        new PlayedWorker("vm", virt());
        new PlayedWorker("plain", Isolation.NONE);
        awaitWorkers(2);

        // In local mode the caller is the local admin: trusted, so even a dvd passes here.
        assertThat(master.post("application/json", spec("dvd").toJson().encode()).statusCode()).isEqualTo(201);
        assertThat(new JsonObject(master.get("/api/v1/workers").body()).getJsonArray("workers").stream()
            .map(w -> ((JsonObject) w).getString("worker") + "=" + ((JsonObject) w).getString("isolation")))
            .containsExactlyInAnyOrder("vm=virt", "plain=none");
    }

    @Test
    void aWorkerThatNoLongerAnnouncesIsolationNoLongerCountsForIt() throws Exception {
        PlayedWorker vm = new PlayedWorker("vm", virt());
        awaitWorkers(1);
        await(vm.consumer.unregister());
        // Announced but no longer consuming: the offer finds nobody; a later announcement without isolation
        // must not make the build go to a worker without it.
        new PlayedWorker("vm", Isolation.NONE);
        Thread.sleep(200);

        MasterException refused = refusal(intake.submit(spec("live"), MALLORY));
        assertThat(refused.reason()).isEqualTo(MasterException.Reason.UNTRUSTED);
    }
}
