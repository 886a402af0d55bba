package org.fbs.web;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;
import org.fbs.auth.Caller;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.DrainRequest;

/**
 * {@code GET /cluster}: every worker the master has heard from, what it builds, its slots, its builds and when it
 * was last heard; admins drain and undrain workers with {@code POST /cluster/{worker}/drain} and {@code /undrain}.
 */
final class ClusterPage {

    private static final long REFRESH_MILLIS = 5000;
    private static final DeliveryOptions ASK = new DeliveryOptions().setSendTimeout(10_000);

    private final Vertx vertx;

    ClusterPage(Vertx vertx) {
        this.vertx = vertx;
    }

    void show(RoutingContext ctx, Caller caller) {
        show(ctx, caller, 200, null);
    }

    private void show(RoutingContext ctx, Caller caller, int status, String notice) {
        vertx.eventBus().<JsonArray>request(Addresses.MASTER_WORKERS, null, ASK).onFailure(ctx::fail)
            .onSuccess(reply -> {
                List<JsonObject> workers = reply.body().stream().map(o -> (JsonObject) o)
                    .sorted(Comparator.comparing(w -> w.getString("worker", ""))).toList();
                List<ClusterView.Row> rows = workers.stream().map(ClusterView.Row::of).toList();
                Layout.send(ctx, status, "Cluster", "cluster.jte", new ClusterView(caller.admin(), notice, rows),
                    REFRESH_MILLIS);
            });
    }

    void drain(RoutingContext ctx, Caller caller, boolean drain) {
        if (!caller.admin()) {
            Layout.message(ctx, 403, "Cluster", "Only admins drain and undrain workers.");
            return;
        }
        String worker = ctx.pathParam("worker");
        vertx.eventBus().<JsonObject>request(Addresses.MASTER_DRAIN, new DrainRequest(worker, drain, false).toJson(),
                ASK)
            .onSuccess(reply -> ctx.response().setStatusCode(303).putHeader("location", "/cluster").end())
            .onFailure(err -> {
                String verb = drain ? "drain" : "undrain";
                if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                    show(ctx, caller, 503, "This master cannot " + verb + " workers: nothing here handles drain"
                        + " requests.");
                } else if (err instanceof ReplyException re && re.failureCode() == 404) {
                    show(ctx, caller, 404, "No worker " + worker + " is known, so it was not " + verb + "ed.");
                } else if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
                    show(ctx, caller, 504, "Worker " + worker + " did not answer the " + verb + " request in time.");
                } else {
                    show(ctx, caller, 502, "Worker " + worker + " could not be " + verb + "ed: " + err.getMessage());
                }
            });
    }
}
