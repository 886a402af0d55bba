package org.fbs.master;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.fbs.build.Artifact;
import org.fbs.cluster.ClusterNode;
import org.fbs.config.ClusterSettings;
import org.fbs.ops.NodeMetrics;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.BuildEvent.Kind;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second node on the same cluster (three real Hazelcast members in this JVM, on loopback) tries to change a build
 * that another worker holds: its SUCCEEDED, with an artifact link pointing anywhere, is refused and changes nothing,
 * and a progress event it forges gets it told to stop. The build's own worker then finishes it as usual.
 */
class IntruderNodeTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");

    @TempDir
    Path data;
    MasterTestBed master;
    Vertx workerNode;
    Vertx intruderNode;

    @AfterEach
    void stop() throws Exception {
        for (Vertx node : new Vertx[] {intruderNode, workerNode}) {
            if (node != null) {
                await(node.close());
            }
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void anotherNodeCannotEndOrAdvanceABuildItDoesNotHold() throws Exception {
        String cluster = "fbs-test-" + UUID.randomUUID();
        int masterPort = freePort();
        int workerPort = freePort();
        int intruderPort = freePort();
        List<String> members = List.of("127.0.0.1:" + masterPort, "127.0.0.1:" + workerPort,
            "127.0.0.1:" + intruderPort);
        master = new MasterTestBed(join(cluster, members, masterPort), data, new JsonObject());
        workerNode = join(cluster, members, workerPort);
        intruderNode = join(cluster, members, intruderPort);

        AtomicReference<String> lease = new AtomicReference<>();
        await(workerNode.eventBus().<JsonObject>consumer(Addresses.offer("w-honest"), msg -> {
            lease.set(JobOffer.fromJson(msg.body()).lease());
            msg.reply(OfferReply.accept("w-honest").toJson());
        }).completion());
        workerNode.eventBus().publish(Addresses.WORKERS, WorkerStatusBuilder.status("w-honest")
            .url("http://127.0.0.1:1").addresses(ADDRESS).types("boot").build().toJson());
        List<Long> toldToStop = new CopyOnWriteArrayList<>();
        await(intruderNode.eventBus().<JsonObject>consumer(Addresses.cancel("w-intruder"), msg -> {
            toldToStop.add(CancelRequest.fromJson(msg.body()).buildId());
            msg.reply(new JsonObject().put("stopping", false));
        }).completion());

        long id = new JsonObject(master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n").body())
            .getLong("id");
        master.awaitBuild(id, b -> "w-honest".equals(b.getString("worker")));
        await(workerNode.eventBus().request(Addresses.EVENTS, BuildEventBuilder.event(id, Kind.STAGE)
            .worker("w-honest").stage("image").lease(lease.get()).build().toJson()));
        master.awaitBuild(id, b -> "RUNNING".equals(b.getString("state")));

        // The forged end: a later seq of the current attempt and even its lease, from a node that does not hold it.
        BuildEvent forged = BuildEventBuilder.event(id, Kind.SUCCEEDED).seq(5).worker("w-intruder")
            .artifacts(List.of(new Artifact("boot.iso", 1, "0".repeat(64), "http://evil.example/boot.iso")))
            .lease(lease.get()).build();
        assertThatThrownBy(() -> await(intruderNode.eventBus().request(Addresses.EVENTS, forged.toJson())))
            .hasRootCauseInstanceOf(ReplyException.class)
            .rootCause().hasMessageContaining("is not with worker w-intruder");
        // Without the lease: acknowledged (it will never apply) and not applied; the sender is told to stop.
        BuildEvent forgedStage = BuildEventBuilder.event(id, Kind.STAGE).seq(6).worker("w-intruder").stage("staging")
            .build();
        await(intruderNode.eventBus().request(Addresses.EVENTS, forgedStage.toJson()));

        JsonObject unchanged = master.build(id);
        assertThat(unchanged.getString("state")).isEqualTo("RUNNING");
        assertThat(unchanged.getString("stage")).isEqualTo("image");
        assertThat(unchanged.getJsonArray("artifacts")).isEmpty();
        assertThat(unchanged.encode()).doesNotContain("evil.example");
        until("the intruder is told to stop build " + id, () -> toldToStop.contains(id));

        // The holder's own events still apply, from the seq it has reached.
        await(workerNode.eventBus().request(Addresses.EVENTS, BuildEventBuilder.event(id, Kind.SUCCEEDED)
            .seq(2).worker("w-honest").artifacts(List.of(new Artifact("boot.iso", 1, "1".repeat(64),
                "file:///srv/boot.iso"))).lease(lease.get()).build().toJson()));
        JsonObject done = master.awaitBuild(id, b -> "SUCCEEDED".equals(b.getString("state")));
        assertThat(done.getJsonArray("artifacts").getJsonObject(0).getString("location"))
            .isEqualTo("file:///srv/boot.iso");
    }

    /** A member of {@code cluster} on loopback at {@code port} (Hazelcast), as a node of this test's own. */
    static Vertx join(String cluster, List<String> members, int port) throws Exception {
        return await(ClusterNode.join(new ClusterSettings(cluster, members, "127.0.0.1", port, null),
            NodeMetrics.newRegistry()));
    }
}
