package org.fbs.cluster.membership;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's place in the cluster: its node id, whether it is still a member, and word of members that leave.
 * {@code ClusterNode.join} hands it out with the Vert.x it starts (through {@link #of}), so that nothing needs Vert.x
 * internals to find the cluster manager; a standalone Vert.x has {@link #STANDALONE}.
 */
public sealed interface Membership extends Shareable permits Membership.Standalone, Membership.Hazelcast {

    Membership STANDALONE = new Standalone();

    /** The local map key it is kept under, one per Vert.x instance. */
    String MAP = "fbs.cluster";

    /** This Vert.x's membership: the one {@code ClusterNode.join} recorded, else {@link #STANDALONE}. */
    static Membership of(Vertx vertx) {
        Object kept = vertx.sharedData().getLocalMap(MAP).get("membership");
        return kept instanceof Membership membership ? membership : STANDALONE;
    }

    /** The id other nodes know this one by (the worker announces it), or null when standalone. */
    String nodeId();

    /** Whether this node is still in the cluster (always, standalone). */
    boolean active();

    /**
     * Runs {@code left} on {@code context} with the node id of each member that leaves (and logs each one that joins),
     * until the returned handle is closed; null when standalone (heartbeats alone tell loss then). Our own Hazelcast listener:
     * {@code ClusterManager.nodeListener} would replace the one Vert.x itself relies on.
     */
    AutoCloseable watchLeaving(Context context, Consumer<String> left);

    /** Not in any cluster. */
    final class Standalone implements Membership {

        private Standalone() {
        }

        @Override
        public String nodeId() {
            return null;
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public AutoCloseable watchLeaving(Context context, Consumer<String> left) {
            return null;
        }
    }

    /** A member of a Hazelcast cluster, through the cluster manager {@code ClusterNode.join} created. */
    final class Hazelcast implements Membership {

        /** The member attribute in which Vert.x's Hazelcast cluster manager keeps its node id. */
        static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

        private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

        private final HazelcastClusterManager manager;

        public Hazelcast(HazelcastClusterManager manager) {
            this.manager = manager;
        }

        @Override
        public String nodeId() {
            return manager.getNodeId();
        }

        @Override
        public boolean active() {
            return manager.isActive();
        }

        @Override
        public AutoCloseable watchLeaving(Context context, Consumer<String> left) {
            if (manager.getHazelcastInstance() == null) {
                return null;
            }
            Cluster cluster = manager.getHazelcastInstance().getCluster();
            UUID registration = cluster.addMembershipListener(new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent event) {
                    // Joining Hazelcast proves nothing (a node without the event-bus key joins too): it is offered
                    // builds only once it announces itself over the event bus. Named here so an operator can find a
                    // stray one.
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
            return () -> {
                try {
                    cluster.removeMembershipListener(registration);
                } catch (RuntimeException e) {
                    // Hazelcast is shutting down with Vert.x: nothing left to listen to
                }
            };
        }
    }
}
