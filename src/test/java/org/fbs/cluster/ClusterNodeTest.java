package org.fbs.cluster;

import static org.fbs.testkit.Waits.await;
import static org.fbs.testkit.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.fbs.config.ClusterSettings;
import org.fbs.config.ClusterTls;
import org.fbs.ops.NodeMetrics;
import org.junit.jupiter.api.Test;

/**
 * A node joins with the shipped cluster.xml alone, as an operator's node does when conf names no members; its event
 * bus listens on the fixed port a firewall opens (cluster.event-bus-port), and a taken one is named.
 */
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
            await(vertx.close());
        }
    }

    @Test
    void theEventBusListensOnItsConfiguredPortAndATakenOneIsNamed() throws Exception {
        int hazelcast = freePort();
        int eventBus = freePort();
        ClusterSettings settings = settings(hazelcast, eventBus);
        Vertx vertx = ClusterNode.join(settings, NodeMetrics.newRegistry()).toCompletionStage().toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        try {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", eventBus), 5_000);
                assertThat(socket.isConnected()).as("the event bus listens on " + eventBus).isTrue();
            }
            // A second node on this host with the same event-bus port: refused, naming the setting.
            assertThatThrownBy(() -> await(ClusterNode.join(settings(freePort(), eventBus), NodeMetrics.newRegistry()),
                    Duration.ofSeconds(60)))
                .rootCause().isInstanceOf(java.net.BindException.class);
            assertThatThrownBy(() -> await(ClusterNode.join(settings(freePort(), eventBus), NodeMetrics.newRegistry()),
                    Duration.ofSeconds(60)))
                .cause().hasMessageStartingWith("cluster.event-bus-port: cannot listen on 127.0.0.1:" + eventBus)
                .hasMessageContaining("give each node on a host its own cluster.event-bus-port");
        } finally {
            await(vertx.close());
        }
    }

    private static ClusterSettings settings(int hazelcast, int eventBus) {
        return new ClusterSettings("fbs-test-" + UUID.randomUUID(), List.of("127.0.0.1:" + hazelcast), "127.0.0.1",
            hazelcast, null, ClusterTls.OFF, null, Duration.ofDays(7), eventBus);
    }
}
