package org.fbs.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.fbs.cluster.membership.Membership;

/**
 * The routes every node serves for operators: {@code /healthz} (the process answers), {@code /readyz} (200 only
 * when every readiness check of the node passes, else 503 naming the failing check) and {@code /metrics}
 * (Prometheus text). Both roles mount the same routes, so probes and scrapers need one configuration.
 *
 * @param readiness the node's readiness checks; {@link #forNode} starts them with the cluster check
 */
public record OpsRoutes(HealthChecks readiness, PrometheusMeterRegistry registry) {

    /** Routes for a node, its readiness starting with "still in the cluster" (always true when standalone). */
    public static OpsRoutes forNode(Vertx vertx, PrometheusMeterRegistry registry) {
        HealthChecks readiness = HealthChecks.create(vertx).register("cluster", promise -> {
            if (!vertx.isClustered()) {
                promise.complete(Status.OK(new JsonObject().put("mode", "standalone")));
            } else if (Membership.of(vertx).active()) {
                promise.complete(Status.OK());
            } else {
                promise.complete(Status.KO(new JsonObject().put("reason", "this node left the cluster")));
            }
        });
        return new OpsRoutes(readiness, registry);
    }

    public void mount(Router router, Vertx vertx) {
        mount(router, vertx, true);
    }

    /** The health routes, and {@code /metrics} only when {@code metrics} (a worker's public port leaves it out). */
    public void mount(Router router, Vertx vertx, boolean metrics) {
        HealthChecks alive = HealthChecks.create(vertx).register("http", promise -> promise.complete(Status.OK()));
        router.get("/healthz").handler(HealthCheckHandler.createWithHealthChecks(alive));
        router.get("/readyz").handler(HealthCheckHandler.createWithHealthChecks(readiness));
        if (metrics) {
            router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        }
    }
}
