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
 * @param eventBusPort the event bus's port ({@code cluster.event-bus-port}); fixed by default so that firewalls
 *                     between hosts can open it; 0 = any free port (tests running many nodes on one host)
 */
public record ClusterSettings(String name, List<String> members, String host, int port, String config,
                             ClusterTls tls, String secretFile, Duration linkLifetime, int eventBusPort) {

    /** How long handed-out worker links work unless {@code cluster.link-lifetime} says: the default retention. */
    public static final Duration DEFAULT_LINK_LIFETIME = Duration.ofDays(7);
    /** The event bus's port unless {@code cluster.event-bus-port} says: outside Hazelcast's 5701-5720. */
    public static final int DEFAULT_EVENT_BUS_PORT = 5730;

    /** Settings without event-bus TLS (tests). */
    public ClusterSettings(String name, List<String> members, String host, int port, String config) {
        this(name, members, host, port, config, ClusterTls.OFF);
    }

    /** Settings without a secret file, the event bus on any free port (tests: many nodes on one host). */
    public ClusterSettings(String name, List<String> members, String host, int port, String config, ClusterTls tls) {
        this(name, members, host, port, config, tls, null, DEFAULT_LINK_LIFETIME, 0);
    }

    static ClusterSettings from(JsonObject json) {
        ConfigValues v = new ConfigValues(json, "cluster");
        int port = v.integer("port", 0, 0, 65535);
        int eventBusPort = v.integer("event-bus-port", DEFAULT_EVENT_BUS_PORT, 0, 65535);
        if (eventBusPort != 0 && eventBusPort == port) {
            throw v.error("event-bus-port", "is cluster.port (" + port + ", Hazelcast's): give the event bus a port of "
                + "its own");
        }
        return new ClusterSettings(
            v.string("name", "fbs"),
            v.list("members", List.of()),
            v.string("host", "127.0.0.1"),
            port,
            v.string("config", null),
            ClusterTls.from(v.section("tls")),
            v.string("secret-file", null),
            v.duration("link-lifetime", DEFAULT_LINK_LIFETIME),
            eventBusPort);
    }
}
