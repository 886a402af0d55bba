package org.fbs.worker;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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

    public static Future<String> deploy(Vertx vertx, WorkerSettings settings, PrometheusMeterRegistry registry) {
        LiveLogs live = new LiveLogs();
        AtomicBoolean taking = new AtomicBoolean();
        OpsRoutes ops = OpsRoutes.forNode(vertx, registry);
        ops.readiness()
            .register("builds", promise -> promise.complete(taking.get() ? Status.OK()
                : Status.KO(new JsonObject().put("reason", "not yet taking builds"))))
            .register("tools", promise -> vertx.executeBlocking(() -> tools(settings)).onComplete(probe ->
                promise.complete(probe.succeeded() ? probe.result() : Status.KO())));
        return vertx.deployVerticle(new LogHttpVerticle(settings, live, ops))
            .compose(id -> vertx.deployVerticle(new WorkerVerticle(settings, live)))
            .compose(id -> vertx.deployVerticle(new ArtifactSweeper(new KeptArtifacts(settings.artifactsDir()),
                settings.retention())))
            .onSuccess(id -> taking.set(true));
    }

    /** Which configured tools this host has; ready while at least one does. */
    static Status tools(WorkerSettings settings) {
        JsonArray present = new JsonArray();
        JsonArray missing = new JsonArray();
        for (Map.Entry<String, String> tool : settings.tools().entrySet()) {
            (isExecutable(tool.getValue()) ? present : missing).add(tool.getKey() + "=" + tool.getValue());
        }
        JsonObject data = new JsonObject().put("present", present).put("missing", missing);
        return present.isEmpty() ? Status.KO(data.put("reason", "none of worker.tools.* is installed"))
            : Status.OK(data);
    }

    private static boolean isExecutable(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
