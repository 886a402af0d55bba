package org.fbs.worker;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.WorkerSettings;
import org.fbs.ops.NodeMetrics;
import org.fbs.ops.OpsRoutes;
import org.fbs.staging.KeptArtifacts;

/**
 * Starts the worker's parts on a Vert.x instance: the log server first, then the build taker, then the sweeper of
 * old kept files.
 */
public final class WorkerRole {

    private WorkerRole() {
    }

    /** Deploys with a registry of its own (tests; Main passes the one its Vert.x reports to). */
    public static Future<String> deploy(Vertx vertx, WorkerSettings settings) {
        return deploy(vertx, settings, NodeMetrics.newRegistry());
    }

    /** A worker whose "drain and exit" closes {@code vertx} (the node stops; the process stays). */
    public static Future<String> deploy(Vertx vertx, WorkerSettings settings, PrometheusMeterRegistry registry) {
        return deploy(vertx, settings, registry, vertx::close);
    }

    /** A worker that checks links with this process's secret (a master in the same process signs them). */
    public static Future<String> deploy(Vertx vertx, WorkerSettings settings, PrometheusMeterRegistry registry,
                                        Runnable exit) {
        return deploy(vertx, settings, registry, exit, LinkSigner.perProcess());
    }

    /**
     * @param exit  what "drain and exit" does once the worker's builds are done (Main: exit the process)
     * @param links checks the master's signature on every log and artifact link
     */
    public static Future<String> deploy(Vertx vertx, WorkerSettings settings, PrometheusMeterRegistry registry,
                                        Runnable exit, LinkSigner links) {
        LiveLogs live = new LiveLogs();
        AtomicBoolean taking = new AtomicBoolean();
        WorkerVerticle builds = new WorkerVerticle(settings, live, exit);
        OpsRoutes ops = OpsRoutes.forNode(vertx, registry);
        ops.readiness()
            .register("builds", promise -> promise.complete(taking.get() ? Status.OK()
                : Status.KO(new JsonObject().put("reason", "not yet taking builds"))))
            .register("tools", promise -> promise.complete(tools(builds.tools())));
        return vertx.deployVerticle(new LogHttpVerticle(settings, live, ops, links))
            .compose(id -> vertx.deployVerticle(builds))
            .compose(id -> vertx.deployVerticle(new ArtifactSweeper(new KeptArtifacts(settings.artifactsDir()),
                settings.retention())))
            .onSuccess(id -> taking.set(true));
    }

    /** Ready while the probe at start found the tool of at least one image kind; the data lists every tool. */
    static Status tools(ToolProbe.Tools found) {
        if (found == null) {
            return Status.KO(new JsonObject().put("reason", "the tools have not been probed yet"));
        }
        JsonArray present = new JsonArray();
        JsonArray missing = new JsonArray();
        found.byName().values().forEach(tool -> (tool.usable() ? present : missing).add(tool.describe()));
        JsonObject data = new JsonObject().put("kinds", new JsonArray(found.kinds())).put("present", present)
            .put("missing", missing);
        return found.kinds().isEmpty()
            ? Status.KO(data.put("reason", "no image tool of worker.tools.* was found")) : Status.OK(data);
    }
}
