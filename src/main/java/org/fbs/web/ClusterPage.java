package org.fbs.web;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import org.fbs.auth.Caller;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.DrainRequest;
import org.fbs.protocol.WorkerStatus;

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
                Html h = new Html().add("<h1>Cluster</h1>");
                if (notice != null) {
                    h.add("<p class=\"error\" id=\"notice\" role=\"alert\">").text(notice).add("</p>");
                }
                h.add("<div id=\"workers\" data-live>");
                if (workers.isEmpty()) {
                    h.add("<p id=\"no-workers\">No worker has announced itself lately. Builds wait until one does.</p>");
                } else {
                    table(h, ctx, caller, workers);
                }
                h.add("</div>");
                Layout.send(ctx, status, "Cluster", h, REFRESH_MILLIS);
            });
    }

    private static void table(Html h, RoutingContext ctx, Caller caller, List<JsonObject> workers) {
        h.add("<table class=\"workers\"><thead><tr><th>Worker</th><th>Builds for</th><th>Image types</th><th>Isolation</th>")
            .add("<th>Slots free / busy / all</th><th>Running</th><th>Free disk / load</th><th>Last heard</th><th>State</th>")
            .add(caller.admin() ? "<th></th>" : "").add("</tr></thead><tbody>");
        for (JsonObject json : workers) {
            WorkerStatus w = WorkerStatus.fromJson(json);
            h.add("<tr data-worker=\"").text(w.worker()).add("\"><td><strong>").text(w.worker())
                .add("</strong><br><small>").text(w.url()).add("</small></td><td>");
            w.addresses().forEach(a -> h.add("<span class=\"tag\">").text(Show.address(a)).add("</span> "));
            h.add("</td><td>").text(w.types() == null ? "(not said)" : String.join(", ", w.types()))
                .add("</td><td class=\"isolation\">").text(w.isolation() == null ? "none" : w.isolation())
                .add("</td><td>").text(w.free()).add(" / ").text(w.running().size()).add(" / ").text(w.slots())
                .add("</td><td>");
            w.running().forEach(id -> h.add("<a href=\"/builds/").text(id).add("\">#").text(id).add("</a> "));
            h.add("</td><td class=\"disk\">").add(w.freeDiskBytes() < 0 ? "(not said)" : Show.size(w.freeDiskBytes()))
                .add(" / ").text(w.load() < 0 ? "(not said)" : String.format(java.util.Locale.ROOT, "%.2f", w.load()));
            h.add("</td><td>").add(lastSeen(json.getString("lastSeen"))).add("</td><td>")
                .add(w.draining() ? "<span class=\"state state-draining\">draining</span>" : w.declining() != null
                    ? "<span class=\"state state-declining\">declining</span>" : "taking builds");
            if (w.declining() != null) {
                h.add("<br><small class=\"declining\">").text(w.declining()).add("</small>");
            }
            h.add("</td>");
            if (caller.admin()) {
                String action = w.draining() ? "undrain" : "drain";
                h.add("<td><form method=\"post\" action=\"/cluster/").text(urlPart(w.worker())).add("/")
                    .add(action).add("\">").add(Layout.csrfField(ctx)).add("<button type=\"submit\" class=\"")
                    .add(action).add("\">").add(w.draining() ? "Undrain" : "Drain").add("</button></form></td>");
            }
            h.add("</tr>");
        }
        h.add("</tbody></table>");
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

    private static String lastSeen(String at) {
        try {
            return at == null ? "" : Show.time(Instant.parse(at));
        } catch (DateTimeParseException e) {
            return Html.esc(at);
        }
    }

    /** A worker id as one path segment. */
    private static String urlPart(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
