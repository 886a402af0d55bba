package org.fbs.master;

import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fbs.build.Artifact;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/builds/{id}/cancel} and dispatch by image kind, on a real master (store, dispatcher, REST API),
 * with the test playing a worker on the event bus in the real protocol.
 */
class CancelAndCapabilityTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");
    static final String BOOT = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n";

    @TempDir
    Path data;
    MasterTestBed master;
    final List<Long> offered = new CopyOnWriteArrayList<>();
    final List<Long> cancels = new CopyOnWriteArrayList<>();
    final AtomicBoolean accepting = new AtomicBoolean();
    final AtomicBoolean stopping = new AtomicBoolean(true);
    /** When set, offers are kept unanswered here, so that a test can act while one is out. */
    final AtomicBoolean holding = new AtomicBoolean();
    final List<Message<JsonObject>> held = new CopyOnWriteArrayList<>();
    /** The lease of each build's last offer, stamped on the played worker's events. */
    final Map<Long, String> leases = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data);
        MessageConsumer<JsonObject> offers = master.vertx.eventBus().consumer(Addresses.offer("w1"), msg -> {
            JobOffer offer = JobOffer.fromJson(msg.body());
            long id = offer.buildId();
            offered.add(id);
            leases.put(id, offer.lease());
            if (holding.get()) {
                held.add(msg);
                return;
            }
            msg.reply(accepting.get() ? OfferReply.accept("w1").toJson()
                : OfferReply.decline("w1", "no free slot").toJson());
        });
        MessageConsumer<JsonObject> cancel = master.vertx.eventBus().consumer(Addresses.cancel("w1"), msg -> {
            cancels.add(CancelRequest.fromJson(msg.body()).buildId());
            msg.reply(CancelRequest.answer(stopping.get()));
        });
        await(offers.completion());
        await(cancel.completion());
        announce(null);
        Thread.sleep(200); // the announcement arrives before the builds
    }

    @AfterEach
    void stop() throws Exception {
        master.close();
    }

    void announce(List<String> types) {
        master.vertx.eventBus().publish(Addresses.WORKERS,
            WorkerStatusBuilder.status("w1").url("http://w1:5100").addresses(ADDRESS).types(types).build().toJson());
    }

    long submit(String contentType, String spec) throws Exception {
        HttpResponse<String> created = master.post(contentType, spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new JsonObject(created.body()).getLong("id");
    }

    HttpResponse<String> cancel(long id) throws Exception {
        return master.post("/api/v1/builds/" + id + "/cancel", null, "");
    }

    @Test
    void aQueuedBuildIsCanceledAtOnceWithoutTouchingAWorkerAndIsNeverOfferedAgain() throws Exception {
        long id = submit("text/plain", BOOT);
        master.awaitBuild(id, b -> b.getString("reason") != null);

        HttpResponse<String> answer = cancel(id);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonObject build = new JsonObject(answer.body());
        assertThat(build.getString("state")).isEqualTo("CANCELED");
        assertThat(build.getString("reason")).isEqualTo("canceled before a worker took it");
        assertThat(master.build(id).getString("state")).isEqualTo("CANCELED");
        int offersBefore = offered.size();
        accepting.set(true);
        announce(null);
        long next = submit("text/plain", BOOT);
        master.awaitBuild(next, b -> b.getString("state").equals("ASSIGNED"));
        assertThat(offered.subList(offersBefore, offered.size())).containsExactly(next);
        assertThat(cancels).isEmpty();
    }

    @Test
    void aRunningBuildIsCanceledByItsWorkerAndEndsCanceledWhenTheWorkerSaysSo() throws Exception {
        accepting.set(true);
        long id = submit("text/plain", BOOT);
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));

        HttpResponse<String> answer = cancel(id);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(new JsonObject(answer.body()).getString("reason"))
            .isEqualTo("cancel requested; worker w1 is stopping the build");
        assertThat(cancels).containsExactly(id);
        Artifact log = new Artifact("build-" + id + ".log", 10, "ab".repeat(32), "file:///srv/fbs/build.log");
        await(master.vertx.eventBus().request(Addresses.EVENTS, BuildEventBuilder.event(id,
            BuildEvent.Kind.CANCELED).reason("canceled on request").artifacts(List.of(log)).lease(leases.get(id))
            .build().toJson()));
        JsonObject ended = master.build(id);
        assertThat(ended.getString("state")).isEqualTo("CANCELED");
        assertThat(ended.getString("reason")).isEqualTo("canceled on request");
        assertThat(ended.getJsonArray("artifacts").getJsonObject(0).getString("name")).isEqualTo(log.name());
    }

    @Test
    void aBuildItsWorkerNoLongerRunsEndsCanceledAtOnce() throws Exception {
        accepting.set(true);
        stopping.set(false);
        long id = submit("text/plain", BOOT);
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));

        HttpResponse<String> answer = cancel(id);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getString("reason")).isEqualTo("canceled; worker w1 was not running it");
        assertThat(master.build(id).getString("state")).isEqualTo("CANCELED");
    }

    @Test
    void aBuildCanceledWhileItsOfferWasOutIsStoppedOnTheWorkerThatTookIt() throws Exception {
        holding.set(true);
        long id = submit("text/plain", BOOT);
        until("the offer is out", () -> !held.isEmpty());
        assertThat(held).as("the offer is out").hasSize(1);

        assertThat(cancel(id).statusCode()).isEqualTo(200);
        held.get(0).reply(OfferReply.accept("w1").toJson());

        until("the worker is told to stop the build", () -> !cancels.isEmpty());
        assertThat(cancels).containsExactly(id);
        JsonObject build = master.build(id);
        assertThat(build.getString("state")).isEqualTo("CANCELED");
        assertThat(build.getString("worker")).isNull();
    }

    @Test
    void anUnknownBuildIs404AndAnEndedOneIs409() throws Exception {
        long id = submit("text/plain", BOOT);
        assertThat(cancel(id).statusCode()).isEqualTo(200);

        HttpResponse<String> again = cancel(id);
        HttpResponse<String> unknown = cancel(999_999);
        HttpResponse<String> notANumber = cancel(-1);

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(again.body()).getString("error")).isEqualTo("build " + id + " has already ended: CANCELED");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("no such build");
        assertThat(notANumber.statusCode()).isEqualTo(404);
    }

    @Test
    void aBuildNoOnlineWorkerCanBuildWaitsSayingWhichKindAndIsNeverOffered() throws Exception {
        accepting.set(true);
        announce(List.of("boot", "live"));
        Thread.sleep(200); // let the announcement arrive before the submission
        long dvd = submit("application/json", new JsonObject().put("type", "dvd").put("arch", "x86_64")
            .put("release", "41").put("dvd", new JsonObject().put("config", "dvd.ks")
                .put("kickstart", "repo --name=f --baseurl=https://example.org/os/\n")).encode());
        long kiwi = submit("application/json", new JsonObject().put("type", "live").put("arch", "x86_64")
            .put("release", "41").put("live", new JsonObject().put("tool", "kiwi").put("profile", "Live")
                .put("config", "Fedora.kiwi").put("kickstart", "<image/>")).encode());

        assertThat(master.awaitBuild(dvd, b -> b.getString("reason") != null).getString("reason"))
            .isEqualTo("no worker online has a pungi that builds DVDs for x86_64/41");
        assertThat(master.awaitBuild(kiwi, b -> b.getString("reason") != null).getString("reason"))
            .isEqualTo("no worker online can build live (kiwi) for x86_64/41");
        long boot = submit("text/plain", BOOT);
        master.awaitBuild(boot, b -> b.getString("state").equals("ASSIGNED"));
        assertThat(offered).containsExactly(boot);
        assertThat(master.build(dvd).getString("state")).isEqualTo("QUEUED");
    }
}
