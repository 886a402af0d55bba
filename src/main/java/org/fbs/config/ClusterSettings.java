package org.fbs.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * How a node joins the Hazelcast cluster. Empty values leave cluster.xml's own settings alone.
 *
 * @param name    the cluster name: nodes join only a cluster of the same name
 * @param members host or host:port of the members to contact (TCP-IP join)
 * @param host    the address this node binds and announces for Hazelcast and the event bus
 * @param port    the Hazelcast port (0 = cluster.xml's)
 * @param config  a cluster.xml to read instead of ./cluster.xml or the one in the jar
 * @param tls     TLS for the event bus ({@code cluster.tls.*}); off by default
 * @param secretFile   the cluster-wide secret that signs worker links ({@code cluster.secret-file}); null: none
 * @param linkLifetime how long a worker link the master hands out (API, pages, mails) works
 */
public record ClusterSettings(String name, List<String> members, String host, int port, String config,
                             ClusterTls tls, String secretFile, Duration linkLifetime) {

    /** How long handed-out worker links work unless {@code cluster.link-lifetime} says: the default retention. */
    public static final Duration DEFAULT_LINK_LIFETIME = Duration.ofDays(7);

    /** Settings without event-bus TLS (tests). */
    public ClusterSettings(String name, List<String> members, String host, int port, String config) {
        this(name, members, host, port, config, ClusterTls.OFF);
    }

    /** Settings without a secret file (tests). */
    public ClusterSettings(String name, List<String> members, String host, int port, String config, ClusterTls tls) {
        this(name, members, host, port, config, tls, null, DEFAULT_LINK_LIFETIME);
    }

    static ClusterSettings from(JsonObject json) {
        ConfigValues v = new ConfigValues(json, "cluster");
        return new ClusterSettings(
            v.string("name", "fbs"),
            v.list("members", List.of()),
            v.string("host", "127.0.0.1"),
            v.integer("port", 0, 0, 65535),
            v.string("config", null),
            ClusterTls.from(v.section("tls")),
            v.string("secret-file", null),
            v.duration("link-lifetime", DEFAULT_LINK_LIFETIME));
    }
}
