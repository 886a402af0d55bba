package org.fbs.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * One Prometheus registry per node. Vert.x reports its own figures (event bus, HTTP server and client, pools, JVM)
 * into it and FBS adds the build figures, so {@code /metrics} shows both. A registry of its own per node, rather
 * than Micrometer's global one, keeps several nodes in one JVM (the tests) apart.
 */
public final class NodeMetrics {

    private NodeMetrics() {
    }

    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** A Vert.x builder whose metrics go to {@code registry}; {@code options} are the node's other options. */
    public static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry) {
        options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
        return io.vertx.core.Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    }
}
