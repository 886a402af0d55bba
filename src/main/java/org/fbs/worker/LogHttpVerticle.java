package org.fbs.worker;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.WorkerSettings;
import org.fbs.ops.ConnectionGuard;
import org.fbs.ops.OpsRoutes;
import org.fbs.staging.KeptArtifacts;

/**
 * The worker's HTTP face: {@code GET /log/<id>} serves a build's log as plain text, and with
 * {@code ?follow=true} keeps the response open and streams new lines until the build ends; {@code GET
 * /artifacts/<id>/<file>} serves the files kept on the worker ({@link ArtifactDownloads}); the operators' routes
 * ({@link OpsRoutes}: health, and /metrics only with {@code worker.http.metrics}) sit beside them; every other path
 * is a 404. A log or a file is served only with a link the master signed ({@link LinkSigner}: this build, this path,
 * not expired); without one the answer is 403, whether or not the build exists. Only build ids reach the file system: the file name is made from the parsed number, never from the URL's
 * text, and a number with a leading zero is refused, so each log has exactly one URL.
 */
public final class LogHttpVerticle extends VerticleBase {

    private static final String TEXT = LogFollower.TEXT;

    private final WorkerSettings settings;
    private final LiveLogs live;
    private final Path logsDir;
    private final OpsRoutes ops;
    private final LinkSigner links;

    public LogHttpVerticle(WorkerSettings settings, LiveLogs live, OpsRoutes ops, LinkSigner links) {
        this.settings = settings;
        this.links = links;
        this.live = live;
        this.logsDir = settings.logsDir();
        this.ops = ops;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/log/:id").handler(this::log);
        // The port users reach: /metrics only when the operator asks for it (worker.http.metrics).
        ops.mount(router, vertx, settings.httpMetrics());
        new ArtifactDownloads(vertx, new KeptArtifacts(settings.artifactsDir()), settings.artifactsDir().toString(),
            links).mount(router);
        router.route().handler(ctx -> notFound(ctx.response()));
        return ConnectionGuard.server(vertx, router)
            .listen(settings.httpPort(), settings.httpHost());
    }


    private void log(RoutingContext ctx) {
        String raw = ctx.pathParam("id");
        // One URL per log: not /log/1/, not /log/01.
        if (raw == null || !raw.matches("[1-9][0-9]{0,17}") || !ctx.normalizedPath().equals("/log/" + raw)) {
            notFound(ctx.response());
            return;
        }
        long id = Long.parseLong(raw);
        if (!signed(ctx, links, id, "/log/" + raw)) {
            return;
        }
        Path file = BuildLog.fileOf(logsDir, id);
        boolean follow = "true".equals(ctx.queryParams().get("follow"));
        vertx.fileSystem().props(file.toString()).onComplete(props -> {
            if (props.failed() || !props.result().isRegularFile()) {
                notFound(ctx.response());
            } else if (follow) {
                LogFollower.start(vertx, live, ctx.response(), id, file);
            } else {
                ctx.response().putHeader("content-type", TEXT).sendFile(file.toString());
            }
        });
    }

    /** Whether the request carries the master's signature for {@code path} of build {@code id}; else answers 403. */
    static boolean signed(RoutingContext ctx, LinkSigner links, long id, String path) {
        if (links.allows(id, path, ctx.queryParams().get(LinkSigner.EXPIRES),
            ctx.queryParams().get(LinkSigner.SIGNATURE))) {
            return true;
        }
        ctx.response().setStatusCode(403).putHeader("content-type", TEXT)
            .end("this link is not signed by the master, or has expired: open the build through the master\n");
        return false;
    }

    private static void notFound(HttpServerResponse response) {
        response.setStatusCode(404).putHeader("content-type", TEXT).end("no such build log\n");
    }
}
