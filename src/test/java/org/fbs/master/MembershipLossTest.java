package org.fbs.master;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.WorkerStatusBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.fbs.cluster.membership.Membership;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.fbs.cluster.ClusterNode;
import org.fbs.config.ClusterSettings;
import org.fbs.ops.NodeMetrics;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.OfferReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's cluster node leaving is enough for the master to give up on it: with a worker timeout of a minute, the
 * build is queued again as soon as Hazelcast drops the member.
 */
class MembershipLossTest {

    static final String ADDRESS = Addresses.build("x86_64", "41");

    @TempDir
    Path data;
    MasterTestBed master;
    Vertx workerNode;

    @AfterEach
    void stop() throws Exception {
        if (workerNode != null) {
            await(workerNode.close());
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void aWorkerWhoseNodeLeavesTheClusterIsLostAtOnce() throws Exception {
        String cluster = "fbs-test-" + UUID.randomUUID();
        int masterPort = freePort();
        int workerPort = freePort();
        List<String> members = List.of("127.0.0.1:" + masterPort, "127.0.0.1:" + workerPort);
        Vertx masterNode = await(ClusterNode.join(new ClusterSettings(cluster, members, "127.0.0.1", masterPort, null),
            NodeMetrics.newRegistry()));
        master = new MasterTestBed(masterNode, data, new JsonObject().put("worker-timeout", "60s"));
        workerNode = await(ClusterNode.join(new ClusterSettings(cluster, members, "127.0.0.1", workerPort, null),
            NodeMetrics.newRegistry()));
        String node = Membership.of(workerNode).nodeId();

        MessageConsumer<JsonObject> offers = workerNode.eventBus().consumer(Addresses.offer("w-node"), msg -> msg.reply(
            OfferReply.accept("w-node").toJson()));
        await(offers.completion());
        workerNode.eventBus().publish(Addresses.WORKERS,
            WorkerStatusBuilder.status("w-node").addresses(ADDRESS).node(node).build().toJson());
        long id = new JsonObject(master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n").body())
            .getLong("id");
        master.awaitBuild(id, b -> "w-node".equals(b.getString("worker")));

        await(workerNode.close());
        workerNode = null;

        // Well within the minute the heartbeat timeout would take.
        JsonObject requeued = master.awaitBuild(id, b -> b.getString("state").equals("QUEUED"));
        assertThat(WorkerLossTest.lastNote(requeued, "QUEUED"))
            .isEqualTo("worker w-node was lost (its cluster node left) during attempt 1 of 3; queued again");
    }
}
