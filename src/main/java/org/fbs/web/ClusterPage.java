package org.fbs.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;
import org.fbs.auth.Caller;
import org.fbs.service.ErrorStatus;
import org.fbs.service.KnownWorker;
import org.fbs.service.MasterException;
import org.fbs.service.MasterService;

/**
 * {@code GET /cluster}: every worker the master has heard from, what it builds, its slots, its builds and when it
 * was last heard; admins drain and undrain workers with {@code POST /cluster/{worker}/drain} and {@code /undrain}.
 */
final class ClusterPage {

    private static final long REFRESH_MILLIS = 5000;

    private final MasterService master;

    ClusterPage(MasterService master) {
        this.master = master;
    }

    void show(RoutingContext ctx, Caller caller) {
        show(ctx, caller, 200, null);
    }

    private void show(RoutingContext ctx, Caller caller, int status, String notice) {
        master.workers().onFailure(ctx::fail).onSuccess(known -> {
            List<ClusterView.Row> rows = known.stream().map(KnownWorker::toJson)
                .sorted(Comparator.comparing(w -> w.getString("worker", ""))).map(ClusterView.Row::of).toList();
            Layout.send(ctx, status, "Cluster", "cluster.jte", new ClusterView(caller.admin(), notice, rows),
                REFRESH_MILLIS);
        });
    }

    void drain(RoutingContext ctx, Caller caller, boolean drain) {
        String worker = ctx.pathParam("worker");
        master.drain(worker, drain, false, caller)
            .onSuccess(drained -> ctx.response().setStatusCode(303).putHeader("location", "/cluster").end())
            .onFailure(err -> {
                if (!(err instanceof MasterException refused)) {
                    ctx.fail(err);
                    return;
                }
                String verb = drain ? "drain" : "undrain";
                String notice = switch (refused.reason()) {
                    case FORBIDDEN -> null;
                    case NOT_FOUND -> "No worker " + worker + " is known, so it was not " + verb + "ed.";
                    case NO_ANSWER -> "Worker " + worker + " did not answer the " + verb + " request in time.";
                    default -> "Worker " + worker + " could not be " + verb + "ed: " + refused.getMessage();
                };
                if (notice == null) {
                    Layout.message(ctx, ErrorStatus.of(refused.reason()), "Cluster", "Only admins drain and undrain workers.");
                } else {
                    show(ctx, caller, ErrorStatus.of(refused.reason()), notice);
                }
            });
    }
}
