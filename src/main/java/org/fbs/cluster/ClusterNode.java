package org.fbs.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fbs.config.ClusterSettings;
import org.fbs.ops.NodeMetrics;

/** Starts this node's Vert.x inside the Hazelcast cluster described by cluster.xml and {@code cluster.*}. */
public final class ClusterNode {

    private ClusterNode() {
    }

    /** Joins the cluster; Vert.x reports its metrics to {@code registry}. */
    public static Future<Vertx> join(ClusterSettings settings, PrometheusMeterRegistry registry) {
        Config hazelcast;
        try {
            hazelcast = hazelcastConfig(settings);
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(new IllegalArgumentException("cluster config: " + e.getMessage(), e));
        }
        EventBusOptions eventBus = new EventBusOptions()
            .setHost(settings.host())
            .setClusterPublicHost(settings.host())
            .setPort(0);
        return NodeMetrics.builder(new VertxOptions().setEventBusOptions(eventBus), registry)
            .withClusterManager(new HazelcastClusterManager(hazelcast))
            .buildClustered();
    }

    /** cluster.xml (the configured file, else ./cluster.xml, else the jar's) with {@code cluster.*} on top. */
    static Config hazelcastConfig(ClusterSettings settings) throws IOException {
        Config config = read(settings.config());
        config.setClusterName(settings.name());
        if (!settings.members().isEmpty()) {
            JoinConfig join = config.getNetworkConfig().getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        }
        if (settings.host() != null && !settings.host().isBlank()) {
            InterfacesConfig interfaces = config.getNetworkConfig().getInterfaces();
            interfaces.clear();
            interfaces.setEnabled(true).addInterface(settings.host());
        }
        if (settings.port() > 0) {
            config.getNetworkConfig().setPort(settings.port());
        }
        return config;
    }

    private static Config read(String file) throws IOException {
        Path path = file != null ? Path.of(file) : Path.of("cluster.xml");
        if (file != null || Files.isRegularFile(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                return new XmlConfigBuilder(in).build();
            }
        }
        try (InputStream in = ClusterNode.class.getResourceAsStream("/cluster.xml")) {
            if (in == null) {
                throw new IOException("cluster.xml is missing from the jar");
            }
            return new XmlConfigBuilder(in).build();
        }
    }
}
