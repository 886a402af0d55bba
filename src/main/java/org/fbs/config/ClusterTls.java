package org.fbs.config;

import io.vertx.core.json.JsonObject;

/**
 * Optional TLS for the event bus ({@code cluster.tls.*}): every node presents the key in its key store and trusts
 * only the certificates in its trust store, so a node without a trusted certificate can neither send nor receive
 * event-bus messages. Hazelcast's own traffic is not covered: TLS for it is a Hazelcast Enterprise feature.
 * {@link #toString()} never shows the passwords.
 *
 * @param keyStore           a PKCS#12 or JKS file with this node's key and certificate
 * @param trustStore         a PKCS#12 or JKS file with the certificates of the nodes to trust
 */
public record ClusterTls(boolean enabled, String keyStore, String keyStorePassword, String trustStore,
                         String trustStorePassword) {

    public static final ClusterTls OFF = new ClusterTls(false, null, null, null, null);

    static ClusterTls from(JsonObject json) {
        ConfigValues v = new ConfigValues(json, "cluster.tls");
        if (!Boolean.parseBoolean(v.string("enabled", "false").trim())) {
            return OFF;
        }
        String keyStore = v.string("key-store", null);
        String trustStore = v.string("trust-store", null);
        if (keyStore == null || keyStore.isBlank()) {
            throw v.error("key-store", "required when cluster.tls.enabled is true");
        }
        if (trustStore == null || trustStore.isBlank()) {
            throw v.error("trust-store", "required when cluster.tls.enabled is true");
        }
        return new ClusterTls(true, keyStore, v.string("key-store-password", null), trustStore,
            v.string("trust-store-password", null));
    }

    @Override
    public String toString() {
        return enabled ? "ClusterTls[key-store=" + keyStore + ", key-store-password=***, trust-store=" + trustStore
            + ", trust-store-password=***]" : "ClusterTls[off]";
    }
}
