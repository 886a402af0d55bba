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
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.KeyStoreOptionsBase;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.fbs.cluster.membership.Membership;
import org.fbs.config.ClusterSettings;
import org.fbs.config.ClusterTls;
import org.fbs.ops.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts this node's Vert.x inside the Hazelcast cluster described by cluster.xml and {@code cluster.*}. */
public final class ClusterNode {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private ClusterNode() {
    }

    /** Joins the cluster; Vert.x reports its metrics to {@code registry}; {@link Membership#of} tells its place. */
    public static Future<Vertx> join(ClusterSettings settings, PrometheusMeterRegistry registry) {
        Config hazelcast;
        try {
            requireTlsOffLoopback(settings);
            hazelcast = hazelcastConfig(settings);
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(new IllegalArgumentException("cluster config: " + e.getMessage(), e));
        }
        EventBusOptions eventBus = new EventBusOptions()
            .setHost(settings.host())
            .setClusterPublicHost(settings.host())
            .setPort(settings.eventBusPort());
        String where = settings.host() + ":" + (settings.eventBusPort() == 0 ? "any free port" : settings.eventBusPort());
        if (settings.tls().enabled()) {
            try {
                LOG.info("{}; event bus on {}", EventBusCertificate.read(settings.tls()).describe(settings.tls()), where);
            } catch (RuntimeException e) {
                return Future.failedFuture(new IllegalArgumentException("cluster config: " + e.getMessage(), e));
            }
            eventBus = withTls(eventBus, settings.tls());
        } else {
            LOG.info("event bus on {} without TLS (loopback only)", where);
        }
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
        return NodeMetrics.builder(new VertxOptions().setEventBusOptions(eventBus), registry)
            .withClusterManager(manager)
            .buildClustered()
            .andThen(joined -> {
                if (joined.succeeded()) {
                    joined.result().sharedData().getLocalMap(Membership.MAP)
                        .put("membership", new Membership.Hazelcast(manager));
                }
            })
            .recover(err -> Future.failedFuture(isBindFailure(err)
                ? new IllegalArgumentException("cluster.event-bus-port: cannot listen on " + where + " ("
                    + err.getMessage() + "): another process (another FBS node on this host?) has it; give each node "
                    + "on a host its own cluster.event-bus-port", err)
                : err));
    }

    private static boolean isBindFailure(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A node that other hosts can reach talks on the event bus only with TLS: plain, any process that joins the
     * cluster would take job offers (kickstarts, FTP passwords), forge results and drain workers. The master likewise
     * refuses to listen beyond loopback without login.
     */
    static void requireTlsOffLoopback(ClusterSettings settings) {
        if (settings.tls().enabled() || isLoopback(settings.host())) {
            return;
        }
        throw new IllegalArgumentException("cluster.host is "
            + (settings.host() == null || settings.host().isBlank() ? "not set (every interface)" : settings.host())
            + ", not a loopback address, but cluster.tls is off: any process that reaches this node could join the "
            + "cluster, take its job offers with their passwords and kickstarts, and forge build results. Turn on "
            + "cluster.tls (make the keys with `fbs cluster keys DIR`), or bind cluster.host to 127.0.0.1");
    }

    private static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Mutual TLS on every event-bus connection: each node presents its key and accepts only peers whose certificate
     * its trust store holds, so a process that joined Hazelcast without a trusted certificate gets no message.
     */
    static EventBusOptions withTls(EventBusOptions options, ClusterTls tls) {
        return options.setSsl(true)
            .setKeyCertOptions(store(tls.keyStore(), tls.keyStorePassword()))
            .setTrustOptions(store(tls.trustStore(), tls.trustStorePassword()))
            .setClientAuth(ClientAuth.REQUIRED);
    }

    /**
     * A key or trust store by its file name: .p12/.pfx as PKCS#12, anything else as JKS. (Vert.x copies the event-bus
     * options through JSON, which keeps PfxOptions and JksOptions but not a generic KeyStoreOptions.)
     */
    private static KeyStoreOptionsBase store(String path, String password) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.endsWith(".p12") || lower.endsWith(".pfx")
            ? new PfxOptions().setPath(path).setPassword(password)
            : new JksOptions().setPath(path).setPassword(password);
    }

    /**
     * cluster.xml (the configured file, else ./cluster.xml, else the jar's) with {@code cluster.*} on top. The cluster
     * stays closed: nodes join only by TCP-IP to the listed members, never by multicast or cloud discovery, which
     * would let any host that can reach them in.
     */
    static Config hazelcastConfig(ClusterSettings settings) throws IOException {
        Config config = read(settings.config());
        config.setClusterName(settings.name());
        JoinConfig join = config.getNetworkConfig().getJoin();
        if (!settings.members().isEmpty()) {
            join.getMulticastConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        }
        String open = openJoin(join);
        if (open != null) {
            throw new IllegalArgumentException("the cluster.xml in use (" + (settings.config() != null
                ? settings.config() : "./cluster.xml or the jar's") + ") enables " + open + ", which lets any host "
                + "that reaches this node join the cluster; FBS joins only by tcp-ip to the listed members "
                + "(cluster.members)");
        }
        // Without any other join, Hazelcast would try to detect its environment; there is nothing to detect.
        join.getAutoDetectionConfig().setEnabled(false);
        if (!join.getTcpIpConfig().isEnabled() || join.getTcpIpConfig().getMembers().isEmpty()) {
            throw new IllegalArgumentException("no cluster members: list them in cluster.members (or in the "
                + "tcp-ip member-list of cluster.xml)");
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

    /** A join method other than tcp-ip that is switched on, or null. */
    static String openJoin(JoinConfig join) {
        if (join.getMulticastConfig().isEnabled()) {
            return "multicast join";
        }
        if (join.isAutoDetectionEnabled() && !join.getTcpIpConfig().isEnabled()) {
            return "auto-detection";
        }
        if (join.getKubernetesConfig().isEnabled() || join.getEurekaConfig().isEnabled()
            || join.getAwsConfig().isEnabled() || join.getGcpConfig().isEnabled() || join.getAzureConfig().isEnabled()
            || !join.getDiscoveryConfig().getDiscoveryStrategyConfigs().isEmpty()) {
            return "cloud discovery";
        }
        return null;
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
