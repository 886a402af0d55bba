package org.fbs.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbs.config.ClusterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster is closed by default: TCP-IP join to listed members only; a cluster.xml that opens it is refused. */
class ClusterClosedTest {

    @TempDir
    Path dir;

    @Test
    void theShippedClusterXmlJoinsOnlyByTcpIpToItsMembers() throws Exception {
        Config config = ClusterNode.hazelcastConfig(new ClusterSettings("fbs-x", List.of(), "127.0.0.1", 0, null));
        JoinConfig join = config.getNetworkConfig().getJoin();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
        assertThat(config.getClusterName()).isEqualTo("fbs-x");
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    }

    @Test
    void aClusterXmlWithMulticastOrNoMembersIsRefused() throws Exception {
        Path multicast = dir.resolve("multicast.xml");
        Files.writeString(multicast, xml("<multicast enabled=\"true\"/><tcp-ip enabled=\"false\"/>"));
        assertThatThrownBy(() -> ClusterNode.hazelcastConfig(
            new ClusterSettings("fbs-x", List.of(), "127.0.0.1", 0, multicast.toString())))
            .hasMessageContaining("enables multicast join, which lets any host that reaches this node join");
        // cluster.members switch multicast off and list the members: that file is fine with them.
        Config fixed = ClusterNode.hazelcastConfig(
            new ClusterSettings("fbs-x", List.of("10.0.0.5:5701"), "127.0.0.1", 0, multicast.toString()));
        assertThat(fixed.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();

        Path none = dir.resolve("none.xml");
        Files.writeString(none, xml("<multicast enabled=\"false\"/><tcp-ip enabled=\"false\"/>"));
        assertThatThrownBy(() -> ClusterNode.hazelcastConfig(
            new ClusterSettings("fbs-x", List.of(), "127.0.0.1", 0, none.toString())))
            .hasMessageContaining("auto-detection");
        Path empty = dir.resolve("empty.xml");
        Files.writeString(empty, xml("<auto-detection enabled=\"false\"/><multicast enabled=\"false\"/>"
            + "<tcp-ip enabled=\"true\"/>"));
        assertThatThrownBy(() -> ClusterNode.hazelcastConfig(
            new ClusterSettings("fbs-x", List.of(), "127.0.0.1", 0, empty.toString())))
            .hasMessage("no cluster members: list them in cluster.members (or in the tcp-ip member-list of "
                + "cluster.xml)");
    }

    private static String xml(String join) {
        return "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\"><network><join>" + join
            + "</join></network></hazelcast>";
    }
}
