package org.fbs.worker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.fbs.config.WorkerSettings;
import org.fbs.staging.KeptArtifacts;

/**
 * Starts the worker's parts on a Vert.x instance: the log server first, then the build taker, then the sweeper of
 * old kept files.
 */
public final class WorkerRole {

    private WorkerRole() {
    }

    public static Future<String> deploy(Vertx vertx, WorkerSettings settings) {
        LiveLogs live = new LiveLogs();
        return vertx.deployVerticle(new LogHttpVerticle(settings, live))
            .compose(id -> vertx.deployVerticle(new WorkerVerticle(settings, live)))
            .compose(id -> vertx.deployVerticle(new ArtifactSweeper(new KeptArtifacts(settings.artifactsDir()),
                settings.retention())));
    }
}
