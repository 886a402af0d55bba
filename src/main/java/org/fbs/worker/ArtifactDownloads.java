package org.fbs.worker;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fbs.cluster.LinkSigner;
import org.fbs.staging.KeptArtifacts;

/**
 * {@code GET /artifacts/<build id>/<file>}: the files a build staged on this worker, with Range support so that
 * an interrupted download can resume. Only a file that the build recorded is served; anything else, including
 * every path trick, is a 404 before the file system is asked for anything; a well-formed path without the master's
 * signature for it is a 403, whether or not the file exists.
 */
final class ArtifactDownloads {

    private static final Pattern PATH = Pattern.compile("/?([0-9]{1,18})/([A-Za-z0-9._+-]{1,255})");

    private final Vertx vertx;
    private final KeptArtifacts kept;
    private final StaticHandler files;
    private final LinkSigner links;

    ArtifactDownloads(Vertx vertx, KeptArtifacts kept, String dir, LinkSigner links) {
        this.vertx = vertx;
        this.links = links;
        this.kept = kept;
        // Vert.x's file handler does Range, HEAD and Last-Modified; caching off, since retention removes files.
        this.files = StaticHandler.create(FileSystemAccess.ROOT, dir)
            .setCachingEnabled(false)
            .setDirectoryListing(false)
            .setIncludeHidden(false)
            .setEnableRangeSupport(true);
    }

    void mount(Router router) {
        router.get("/artifacts/*").handler(this::recordedOnly).handler(files);
        router.head("/artifacts/*").handler(this::recordedOnly).handler(files);
    }

    private void recordedOnly(RoutingContext ctx) {
        String rest = ctx.pathParam("*");
        Matcher m = rest == null ? null : PATH.matcher(rest);
        if (m == null || !m.matches() || m.group(2).startsWith(".")) {
            notFound(ctx);
            return;
        }
        long id = Long.parseLong(m.group(1));
        String name = m.group(2);
        if (!LogHttpVerticle.signed(ctx, links, id, "/artifacts/" + m.group(1) + "/" + name)) {
            return;
        }
        vertx.executeBlocking(() -> kept.file(id, name).isPresent()).onComplete(found -> {
            if (found.succeeded() && found.result()) {
                ctx.next();
            } else {
                notFound(ctx);
            }
        });
    }

    private static void notFound(RoutingContext ctx) {
        ctx.response().setStatusCode(404).putHeader("content-type", LogFollower.TEXT).end("no such artifact\n");
    }
}
