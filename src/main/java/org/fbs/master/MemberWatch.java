package org.fbs.master;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears from Hazelcast when a cluster member leaves (a killed worker is dropped within seconds, long before its
 * heartbeats would be missed) and reports the Vert.x node id it had. A listener of our own on the Hazelcast
 * cluster: {@code ClusterManager.nodeListener} would replace the one Vert.x itself relies on.
 */
final class MemberWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MemberWatch.class);

    /** The member attribute in which Vert.x's Hazelcast cluster manager keeps its node id. */
    static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

    private final Cluster cluster;
    private final UUID registration;

    private MemberWatch(Cluster cluster, UUID registration) {
        this.cluster = cluster;
        this.registration = registration;
    }

    /**
     * Starts watching; {@code left} runs on {@code context} with the node id of each member that leaves. Returns
     * null when this Vert.x is not in a Hazelcast cluster (then heartbeats alone tell loss).
     */
    static MemberWatch start(Vertx vertx, Context context, Consumer<String> left) {
        if (!(vertx instanceof VertxInternal internal)
            || !(internal.clusterManager() instanceof HazelcastClusterManager hazelcast)
            || hazelcast.getHazelcastInstance() == null) {
            return null;
        }
        Cluster cluster = hazelcast.getHazelcastInstance().getCluster();
        UUID registration = cluster.addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // Joining Hazelcast proves nothing (a node without the event-bus key joins too): it is offered builds
                // only once it announces itself over the event bus. Named here so an operator can find a stray one.
                LOG.info("cluster member joined: {} (node {}); it gets builds once it announces itself as a worker",
                    event.getMember().getAddress(), event.getMember().getAttribute(NODE_ID_ATTRIBUTE));
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String node = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
                if (node != null) {
                    context.runOnContext(v -> left.accept(node));
                }
            }
        });
        return new MemberWatch(cluster, registration);
    }

    @Override
    public void close() {
        try {
            cluster.removeMembershipListener(registration);
        } catch (RuntimeException e) {
            // Hazelcast is shutting down with Vert.x: nothing left to listen to
        }
    }
}
