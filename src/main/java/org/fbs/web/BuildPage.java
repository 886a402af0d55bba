package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.build.QueuePlace;
import org.fbs.cluster.WorkerLinks;
import org.fbs.service.ErrorStatus;
import org.fbs.service.MasterException;
import org.fbs.service.MasterService;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.fbs.store.AsyncBuildStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /builds/{id}}: one build, its progress, log, artifacts and history; {@code POST .../cancel} and
 * {@code POST .../again} (a new build from the same spec). Another user's build is answered like a missing one.
 */
final class BuildPage {

    private static final Logger LOG = LoggerFactory.getLogger(BuildPage.class);
    /** What {@link org.fbs.build.Secrets} leaves of a password once a build has ended. */
    private static final String MASKED = ":***@";

    private final AsyncBuildStore store;
    private final MasterService master;
    private final WorkerLinks links;
    private final Clock clock;

    BuildPage(AsyncBuildStore store, MasterService master, WorkerLinks links, Clock clock) {
        this.links = links;
        this.store = store;
        this.master = master;
        this.clock = clock;
    }

    /** The build, when it exists and the caller may see it; else a failed future after a 404 page was sent. */
    static Future<Build> visible(AsyncBuildStore store, RoutingContext ctx, Caller caller) {
        long id = Show.buildId(ctx.pathParam("id"));
        if (id < 0) {
            return notFound(ctx);
        }
        return store.get(id).compose(found -> found.isPresent() && caller.maySee(found.get())
            ? Future.succeededFuture(found.get()) : notFound(ctx));
    }

    private static Future<Build> notFound(RoutingContext ctx) {
        Layout.message(ctx, 404, "No such build", "There is no build with this number, or it is not yours.");
        return Future.failedFuture(new Answered());
    }

    void show(RoutingContext ctx, Caller caller) {
        // Worker links (log, artifacts) come signed from WorkerLinks, as in the API; the template only shows them.
        visible(store, ctx, caller).compose(build -> store.mailsOf(build.id()).compose(mails -> master.placeInLine(build)
            .onSuccess(place -> Layout.send(ctx, 200, "Build " + build.id(), "build.jte",
                BuildPageView.of(links.signed(build), mails, place.map(QueuePlace::toJson).orElse(null),
                    clock.instant()),
                build.state().isFinal() ? 0 : DashboardPage.REFRESH_MILLIS))))
            .onFailure(err -> failed(ctx, err));
    }

    void cancel(RoutingContext ctx, Caller caller) {
        visible(store, ctx, caller)
            // One that has ended meanwhile shows how it ended.
            .compose(build -> master.cancel(build.id(), caller).map(build.id())
                .recover(err -> err instanceof MasterException e && e.reason() == MasterException.Reason.CONFLICT
                    ? Future.succeededFuture(build.id()) : Future.failedFuture(err)))
            .onSuccess(id -> redirect(ctx, "/builds/" + id))
            .onFailure(err -> failed(ctx, err));
    }

    void again(RoutingContext ctx, Caller caller) {
        visible(store, ctx, caller).onFailure(err -> failed(ctx, err)).onSuccess(build -> {
            if (build.spec().encode().contains(MASKED)) {
                Layout.message(ctx, 409, "Build again", "This build's staging password is not kept once a build"
                    + " has ended. Submit a new build from the form and give the password again.");
                return;
            }
            try {
                master.submit(SpecParser.fromJson(build.spec()), caller).onComplete(stored -> {
                    if (stored.succeeded()) {
                        redirect(ctx, "/builds/" + stored.result().id());
                    } else if (stored.cause() instanceof MasterException e
                        && e.reason() == MasterException.Reason.INVALID) {
                        refused(ctx, e.errors());
                    } else if (ErrorStatus.of(stored.cause()) < 500) {
                        Layout.message(ctx, ErrorStatus.of(stored.cause()), "Build again", stored.cause().getMessage());
                    } else {
                        LOG.error("build {} could not be submitted again", build.id(), stored.cause());
                        Layout.message(ctx, 503, "Build again", "The new build could not be stored; nothing was"
                            + " queued. The master's log has the details.");
                    }
                });
            } catch (SpecException e) {
                refused(ctx, e.errors());
            }
        });
    }

    private static void refused(RoutingContext ctx, List<String> errors) {
        Layout.send(ctx, 400, "Build again", "againrefused.jte", errors, 0);
    }

    private static void redirect(RoutingContext ctx, String where) {
        ctx.response().setStatusCode(303).putHeader("location", where).end();
    }

    private static void failed(RoutingContext ctx, Throwable err) {
        if (err instanceof Answered) {
            return;
        }
        if (err instanceof MasterException e && e.reason() == MasterException.Reason.NOT_FOUND) {
            Layout.message(ctx, 404, "No such build", "There is no build with this number, or it is not yours.");
            return;
        }
        ctx.fail(err);
    }

    /** The answer was sent already (a 404 page); nothing more to do. */
    static final class Answered extends Exception {
        Answered() {
            super(null, null, false, false);
        }
    }
}
