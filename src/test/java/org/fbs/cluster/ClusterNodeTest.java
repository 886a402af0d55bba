package org.fbs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.fbs.config.ClusterSettings;
import org.fbs.ops.NodeMetrics;
import org.junit.jupiter.api.Test;

/** A node joins with the shipped cluster.xml alone, as an operator's node does when conf names no members. */
class ClusterNodeTest {

    @Test
    void aNodeStartsFromTheShippedClusterXmlWithoutMembersInTheConfig() throws Exception {
        // The top-level cluster.xml (the working directory's), its member list untouched; a cluster name of its own.
        ClusterSettings settings = new ClusterSettings("fbs-test-" + UUID.randomUUID(), List.of(), "127.0.0.1", 0,
            null);

        Vertx vertx = ClusterNode.join(settings, NodeMetrics.newRegistry()).toCompletionStage().toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        try {
            assertThat(vertx.isClustered()).isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
