package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fbs.auth.Caller;
import org.fbs.build.Artifact;
import org.fbs.build.Build;
import org.fbs.build.ExtraPackage;
import org.fbs.build.QueuePlace;
import org.fbs.build.Transition;
import org.fbs.master.BuildIntake;
import org.fbs.master.BuildView;
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
    private final QueueStanding queue;

    BuildPage(Vertx vertx, AsyncBuildStore store, BuildIntake intake, WorkerLinks links) {
        this.vertx = vertx;
        this.links = links;
        this.store = store;
        this.intake = intake;
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
        visible(store, ctx, caller).compose(build -> store.mailsOf(build.id()).compose(mails -> queue.of(build)
            .onSuccess(place -> Layout.send(ctx, 200, "Build " + build.id(),
                page(ctx, links.signed(build), mails, place),
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
        Html h = new Html().add("<h1>Build again</h1><div class=\"errors\" role=\"alert\"><p>This build's spec is no"
            + " longer accepted:</p><ul>");
        e.errors().forEach(m -> h.add("<li>").text(m).add("</li>"));
        Layout.send(ctx, 400, "Build again", h.add("</ul><p><a href=\"/builds/new\">Start a new build</a></p></div>"),
            0);
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

    private static Html page(RoutingContext ctx, Build build, List<OutboxMail> mails, QueuePlace place) {
        JsonObject view = BuildView.of(build.toJson());
        JsonObject spec = view.getJsonObject("spec");
        String type = spec.getString("type");
        Html h = new Html().add("<h1>Build #").text(build.id()).add(" <small>").text(type).add(" ")
            .text(spec.getString("arch")).add("/").text(spec.getString("release")).add("</small></h1>");
        h.add("<div id=\"live\" data-live>");
        summary(h, ctx, build);
        if (place != null) {
            h.add("<p class=\"queue\" id=\"queue\">").text(place.sentence()).add("</p>");
        }
        artifacts(h, build);
        history(h, build);
        mails(h, mails);
        h.add("</div>");
        log(h, build);
        specTable(h, spec, type);
        return h;
    }

    private static void summary(Html h, RoutingContext ctx, Build build) {
        List<BuildProgress.Step> steps = BuildProgress.of(build);
        h.add("<section class=\"summary\"><p>State: <span id=\"state\" data-state=\"").text(build.state()).add("\">")
            .add(Show.state(build.state())).add("</span>");
        if (build.stage() != null) {
            h.add(" <span class=\"stage\" id=\"stage\">").text(build.stage()).add("</span>");
        }
        h.add("</p><progress id=\"progress\" max=\"").text(steps.size()).add("\" value=\"")
            .text(BuildProgress.passed(steps)).add("\"></progress><ol class=\"steps\">");
        for (BuildProgress.Step step : steps) {
            h.add("<li class=\"step-").text(step.status().name().toLowerCase(Locale.ROOT)).add("\">")
                .text(step.label()).add("</li>");
        }
        h.add("</ol>");
        if (build.reason() != null) {
            h.add("<p class=\"reason\" id=\"reason\">").text(build.reason()).add("</p>");
        }
        h.add("<dl class=\"facts\"><dt>Owner</dt><dd>").text(build.owner() == null ? "(none)" : build.owner())
            .add("</dd><dt>Worker</dt><dd>").text(build.worker() == null ? "none yet" : build.worker())
            .add("</dd><dt>Attempt</dt><dd>").text(build.attempt()).add("</dd></dl><div class=\"actions\">");
        if (!build.state().isFinal()) {
            h.add("<form method=\"post\" action=\"/builds/").text(build.id()).add("/cancel\">")
                .add(Layout.csrfField(ctx)).add("<button type=\"submit\" id=\"cancel\" class=\"danger\">Cancel")
                .add("</button></form>");
        }
        h.add("<form method=\"post\" action=\"/builds/").text(build.id()).add("/again\">").add(Layout.csrfField(ctx))
            .add("<button type=\"submit\" id=\"again\">Build again</button></form></div></section>");
    }

    private static void artifacts(Html h, Build build) {
        h.add("<section><h2>Artifacts</h2>");
        if (build.artifacts().isEmpty()) {
            h.add("<p id=\"no-artifacts\">").text(build.state().isFinal() ? "None." : "When the build ends.")
                .add("</p>");
        } else {
            h.add("<table id=\"artifacts\"><thead><tr><th>File</th><th>Size</th><th>SHA256</th></tr></thead><tbody>");
            for (Artifact a : build.artifacts()) {
                h.add("<tr><td>");
                String where = a.location();
                if (where != null && (where.startsWith("http://") || where.startsWith("https://")
                    || where.startsWith("ftp://"))) {
                    h.add("<a href=\"").text(where).add("\">").text(a.name()).add("</a>");
                } else {
                    h.text(a.name()).add("<br><small>").text(where).add("</small>");
                }
                h.add("</td><td>").add(Show.size(a.size())).add("</td><td><code class=\"sha\">").text(a.sha256())
                    .add("</code></td></tr>");
            }
            h.add("</tbody></table>");
        }
        if (!build.extraPackages().isEmpty()) {
            h.add("<h3>Extra packages from Koji</h3><ul id=\"extra-packages\">");
            for (ExtraPackage p : build.extraPackages()) {
                h.add("<li>").text(p.nvra()).add(" (").add(Show.size(p.size())).add(")</li>");
            }
            h.add("</ul>");
        }
        h.add("</section>");
    }

    private static void history(Html h, Build build) {
        h.add("<section><h2>History</h2><table id=\"history\"><thead><tr><th>When</th><th>State</th><th>Stage</th>")
            .add("<th>Note</th></tr></thead><tbody>");
        for (Transition t : build.history()) {
            h.add("<tr><td>").add(Show.time(t.at())).add("</td><td>").add(Show.state(t.state())).add("</td><td>")
                .text(t.stage()).add("</td><td>").text(t.note()).add("</td></tr>");
        }
        h.add("</tbody></table></section>");
    }

    /** The mails about the build and where they went; recipients the mail server refused are named. */
    private static void mails(Html h, List<OutboxMail> mails) {
        if (mails.isEmpty()) {
            return;
        }
        h.add("<section><h2>Mails</h2><ul id=\"mails\">");
        for (OutboxMail m : mails) {
            h.add("<li>").text(m.kind()).add(": ").text(m.status().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .add(", to ").text(String.join(", ", m.to()));
            if (!m.rejected().isEmpty()) {
                h.add("<br><span class=\"refused\">Refused by the mail server: ").text(String.join(", ", m.rejected()))
                    .add("</span>");
            }
            h.add("</li>");
        }
        h.add("</ul></section>");
    }

    private static void log(Html h, Build build) {
        String src = "/builds/" + build.id() + "/log";
        boolean ready = build.logUrl() != null;
        // The note or link above the log is live (it changes once a worker takes the build); the log is not.
        h.add("<section><h2>Log</h2><div id=\"log-info\" data-live>");
        if (ready) {
            h.add("<p><a id=\"log-link\" href=\"").add(src).add("\">The log as plain text</a></p>")
                .add("<noscript><iframe class=\"log\" src=\"").add(src).add("\" title=\"build log\"></iframe></noscript>");
        } else {
            h.add("<p id=\"no-log\">No log yet: no worker has taken the build.</p>");
        }
        h.add("</div><pre id=\"log\" class=\"log\" data-src=\"").add(src).add("\" data-ready=\"").text(ready)
            .add("\" hidden></pre></section>");
    }

    private static void specTable(Html h, JsonObject spec, String type) {
        h.add("<section><h2>Spec</h2><table id=\"spec\"><tbody>");
        for (Map.Entry<String, Object> e : spec) {
            if (!(e.getValue() instanceof JsonObject)) {
                specRow(h, e.getKey(), e.getValue());
            }
        }
        JsonObject own = spec.getJsonObject(type, new JsonObject());
        for (Map.Entry<String, Object> e : own) {
            if (!e.getKey().equals("kickstart")) {
                specRow(h, type + "." + e.getKey(), e.getValue());
            }
        }
        h.add("</tbody></table>");
        String kickstart = own.getString("kickstart");
        if (kickstart != null) {
            h.add("<details><summary>Kickstart (").text(kickstart.length()).add(" characters)</summary><pre>")
                .text(kickstart).add("</pre></details>");
        }
        h.add("</section>");
    }

    private static void specRow(Html h, String key, Object value) {
        h.add("<tr><th>").text(key).add("</th><td>").text(value).add("</td></tr>");
    }

    /** The answer was sent already (a 404 page); nothing more to do. */
    static final class Answered extends Exception {
        Answered() {
            super(null, null, false, false);
        }
    }
}
