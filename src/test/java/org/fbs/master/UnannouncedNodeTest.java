package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fbs.build.Artifact;
import org.fbs.cluster.membership.Membership;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.BuildEvent.Kind;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.testkit.WorkerStatusBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node that joins Hazelcast and listens on the build addresses, but never announces itself as a worker (as one
 * without the event-bus key, or a worker of an old version, would): the master names it in its log when it joins and
 * never sends it an offer, so the builds go straight to the worker that announced a free slot (issue 21: such a node
 * used to hold each offer routed to it for 10 s).
 */
class UnannouncedNodeTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");

    @TempDir
    Path data;
    MasterTestBed master;
    Vertx workerNode;
    Vertx strayNode;
    final ListAppender<ILoggingEvent> joins = new ListAppender<>();
    final Logger membershipLog = (Logger) LoggerFactory.getLogger(Membership.class);

    @AfterEach
    void stop() throws Exception {
        membershipLog.detachAppender(joins);
        for (Vertx node : new Vertx[] {strayNode, workerNode}) {
            if (node != null) {
                await(node.close());
            }
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void aNodeThatNeverAnnouncedItselfIsLoggedWhenItJoinsAndNeverOffered() throws Exception {
        joins.start();
        membershipLog.addAppender(joins);
        String cluster = "fbs-test-" + UUID.randomUUID();
        int masterPort = freePort();
        int workerPort = freePort();
        int strayPort = freePort();
        List<String> members = List.of("127.0.0.1:" + masterPort, "127.0.0.1:" + workerPort,
            "127.0.0.1:" + strayPort);
        master = new MasterTestBed(IntruderNodeTest.join(cluster, members, masterPort), data, new JsonObject());
        workerNode = IntruderNodeTest.join(cluster, members, workerPort);
        strayNode = IntruderNodeTest.join(cluster, members, strayPort);

        // The stray listens where a build could be routed: the shared address and offer addresses it could guess.
        List<String> strayGot = new CopyOnWriteArrayList<>();
        for (String address : List.of(ADDRESS, Addresses.offer("w-stray"), Addresses.offer("stray"))) {
            await(strayNode.eventBus().<JsonObject>consumer(address, msg -> strayGot.add(address)).completion());
        }
        // The honest worker announces one slot and finishes each build it is offered at once.
        List<Long> offered = new CopyOnWriteArrayList<>();
        await(workerNode.eventBus().<JsonObject>consumer(Addresses.offer("w-honest"), msg -> {
            JobOffer offer = JobOffer.fromJson(msg.body());
            offered.add(offer.buildId());
            msg.reply(OfferReply.accept("w-honest").toJson());
            workerNode.eventBus().request(Addresses.EVENTS, new BuildEvent(offer.buildId(), offer.attempt(), 1,
                "w-honest", Kind.SUCCEEDED, null, null, List.of(new Artifact("boot.iso", 1, "1".repeat(64),
                "file:///srv/boot.iso")), Instant.now(), List.of(), List.of(), offer.lease()).toJson());
        }).completion());
        workerNode.setPeriodic(200, t -> workerNode.eventBus().publish(Addresses.WORKERS, WorkerStatusBuilder.status("w-honest")
            .url("http://127.0.0.1:1").addresses(ADDRESS).types("boot").build().toJson()));

        for (int i = 0; i < 3; i++) {
            long id = new JsonObject(master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n")
                .body()).getLong("id");
            JsonObject done = master.awaitBuild(id, b -> "SUCCEEDED".equals(b.getString("state")));
            assertThat(done.getString("worker")).isEqualTo("w-honest");
            assertThat(done.getInteger("attempt")).isEqualTo(1);
        }

        assertThat(offered).hasSize(3);
        assertThat(strayGot).isEmpty();
        assertThat(joins.list).extracting(ILoggingEvent::getFormattedMessage)
            .anySatisfy(line -> assertThat(line).startsWith("cluster member joined: [127.0.0.1]:" + strayPort));
    }
}
