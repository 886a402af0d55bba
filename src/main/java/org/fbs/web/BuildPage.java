package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.master.BuildIntake;
import org.fbs.master.QueueStanding;
import org.fbs.master.WorkerLinks;
import org.fbs.protocol.Addresses;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.OutboxMail;
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

    private final Vertx vertx;
    private final AsyncBuildStore store;
    private final BuildIntake intake;
    private final WorkerLinks links;
    private final Clock clock;
    private final QueueStanding queue;

    BuildPage(Vertx vertx, AsyncBuildStore store, BuildIntake intake, WorkerLinks links, Clock clock) {
        this.vertx = vertx;
        this.links = links;
        this.store = store;
        this.intake = intake;
        this.clock = clock;
        this.queue = new QueueStanding(vertx, store);
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
        visible(store, ctx, caller).compose(build -> store.mailsOf(build.id()).compose(mails -> queue.of(build)
            .onSuccess(place -> Layout.send(ctx, 200, "Build " + build.id(), "build.jte",
                BuildPageView.of(links.signed(build), mails, place == null ? null : place.toJson(), clock.instant()),
                build.state().isFinal() ? 0 : DashboardPage.REFRESH_MILLIS))))
            .onFailure(err -> failed(ctx, err));
    }

    void cancel(RoutingContext ctx, Caller caller) {
        visible(store, ctx, caller)
            .compose(build -> vertx.eventBus().<JsonObject>request(Addresses.MASTER_CANCEL,
                new JsonObject().put("build", build.id())).map(build.id())
                .recover(err -> err instanceof ReplyException re && re.failureCode() == 409
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
                intake.submit(SpecParser.fromJson(build.spec()), caller).onComplete(stored -> {
                    if (stored.succeeded()) {
                        redirect(ctx, "/builds/" + stored.result().getLong("id"));
                    } else if (stored.cause() instanceof SpecException e) {
                        refused(ctx, e);
                    } else if (stored.cause() instanceof ReplyException re && re.failureCode() >= 400
                        && re.failureCode() < 500) {
                        Layout.message(ctx, re.failureCode(), "Build again", re.getMessage());
                    } else {
                        LOG.error("build {} could not be submitted again", build.id(), stored.cause());
                        Layout.message(ctx, 503, "Build again", "The new build could not be stored; nothing was"
                            + " queued. The master's log has the details.");
                    }
                });
            } catch (SpecException e) {
                refused(ctx, e);
            }
        });
    }

    private static void refused(RoutingContext ctx, SpecException e) {
        Layout.send(ctx, 400, "Build again", "againrefused.jte", e.errors(), 0);
    }

    private static void redirect(RoutingContext ctx, String where) {
        ctx.response().setStatusCode(303).putHeader("location", where).end();
    }

    private static void failed(RoutingContext ctx, Throwable err) {
        if (err instanceof Answered) {
            return;
        }
        if (err instanceof ReplyException re && re.failureCode() == 404) {
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
