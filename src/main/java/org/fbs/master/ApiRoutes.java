package org.fbs.master;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fbs.auth.Access;
import org.fbs.auth.Caller;
import org.fbs.auth.TokenRoutes;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.BuildView;
import org.fbs.cluster.WorkerLinks;
import org.fbs.config.MasterSettings;
import org.fbs.logs.LogRelay;
import org.fbs.ops.BuildInfo;
import org.fbs.ops.OpsRoutes;
import org.fbs.service.BuildChanges;
import org.fbs.service.KnownWorker;
import org.fbs.service.MasterService;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildQuery;

/**
 * The REST API under /api/v1 (a build's log too: users never need to reach a worker) and the 2012 endpoint POST
 * /rest, mounted on the master's router by {@link MasterRole}. What changes builds and workers goes through the
 * {@link MasterService}; reads come from the store.
 */
public final class ApiRoutes {

    static final long MAX_BODY = 1024 * 1024;
    static final int MAX_LIST = 1000;
    static final int TRENDS_DAYS = 30;
    static final int MAX_TRENDS_DAYS = 366;
    /** Builds whose answers are kept for repeated reads (a few KiB each, up to 2 MiB with a large kickstart)... */
    static final int ANSWERS_KEPT = 10_000;
    /** ...and the memory they may take at most. */
    static final long ANSWERS_BYTES = 64L * 1024 * 1024;
    /** Content types that say nothing about the spec's form. */
    static final Set<String> SNIFFED = Set.of("", "application/x-www-form-urlencoded", "application/octet-stream");

    private final Vertx vertx;
    private final MasterSettings settings;
    private final AsyncBuildStore store;
    private final OpsRoutes ops;
    private final Access access;
    private final WorkerLinks links;
    private final MasterService master;
    private final LogRelay logs;
    private final BuildAnswers answers = new BuildAnswers(ANSWERS_KEPT, ANSWERS_BYTES);
    private final Clock clock = Clock.systemUTC();
    /** The stored changes the answers hear of; set by {@link #mount}. */
    private BuildChanges.Listening changes;

    /**
     * @param links signs the worker links in every build it answers with
     * @param logs  reads build logs from the workers (shared with the pages)
     */
    public ApiRoutes(Vertx vertx, MasterSettings settings, AsyncBuildStore store, OpsRoutes ops, Access access,
                     WorkerLinks links, MasterService master, LogRelay logs) {
        this.vertx = vertx;
        this.links = links;
        this.settings = settings;
        this.store = store;
        this.ops = ops;
        this.access = access;
        this.master = master;
        this.logs = logs;
    }

    /** Mounts the routes; call on the HTTP server's event loop, where the answers are kept and their changes heard. */
    public void mount(Router router) {
        changes = BuildChanges.listen(vertx, change -> answers.changed(change.build().id()));
        changes.ready().onSuccess(v -> answers.listening());
        router.post("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        new TokenRoutes(access.tokens()).mount(router);
        router.post("/api/v1/builds").handler(this::submit);
        router.post("/rest").handler(BodyHandler.create(false).setBodyLimit(RestCompatHandler.MAX_BODY));
        router.post("/rest").handler(new RestCompatHandler(this::store));
        router.get("/api/v1/builds").handler(this::list);
        router.get("/api/v1/builds/:id").handler(this::get);
        router.get("/api/v1/builds/:id/log").handler(ctx -> logs.serve(ctx, Caller.of(ctx),
            buildId(ctx.pathParam("id")), "true".equals(ctx.queryParams().get("follow")),
            (c, status, message) -> error(c, status, message, List.of())));
        router.post("/api/v1/builds/:id/cancel").handler(this::cancel);
        router.get("/api/v1/workers").handler(this::workers);
        router.get("/api/v1/trends").handler(this::trends);
        WorkerRoutes.mount(router, master);
        router.get("/api/v1/info").handler(ctx -> json(ctx, 200,
            BuildInfo.current().toJson("master", settings.publicUrl())));
        ops.mount(router, vertx);
        router.get("/api/v1/mails").handler(this::mails);
        OpenApiRoutes.mount(router, vertx);
    }

    /** The JSON answer for whatever failed outside a page; mounted after every other route. */
    public void mountFailures(Router router) {
        router.route().failureHandler(ApiErrors::failure);
    }

    private void submit(RoutingContext ctx) {
        BuildSpec spec;
        try {
            spec = parse(ctx);
        } catch (SpecException e) {
            error(ctx, 400, "the build spec has errors", e.errors());
            return;
        } catch (UnsupportedType e) {
            error(ctx, 415, "send the spec as application/json or as INI text with Content-Type: text/plain",
                List.of());
            return;
        }
        store(ctx, spec);
    }

    /** Stores and queues a parsed spec and answers 201 with the build, for POST /api/v1/builds and POST /rest. */
    void store(RoutingContext ctx, BuildSpec parsed) {
        master.submit(parsed, Caller.of(ctx))
            .onSuccess(build -> ctx.response()
                .setStatusCode(201)
                .putHeader("Location", "/api/v1/builds/" + build.id())
                .putHeader("content-type", "application/json")
                .end(BuildView.of(links.signed(build.toJson())).encode()))
            .onFailure(err -> ApiErrors.send(ctx, err));
    }

    private static BuildSpec parse(RoutingContext ctx) throws SpecException, UnsupportedType {
        String type = ctx.request().getHeader("content-type");
        String mime = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        String text = ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw new SpecException(List.of("spec: the request body is empty"));
        }
        if (SNIFFED.contains(mime)) {
            // curl --data-binary sends form-urlencoded unless told otherwise: go by the body instead.
            mime = text.strip().startsWith("{") ? "application/json" : "text/plain";
        }
        switch (mime) {
            case "application/json" -> {
                try {
                    Object json = Json.decodeValue(text);
                    if (!(json instanceof JsonObject object)) {
                        throw new SpecException(List.of("spec: expected a JSON object"));
                    }
                    return SpecParser.fromJson(object);
                } catch (DecodeException e) {
                    throw new SpecException(List.of("spec: not valid JSON"));
                }
            }
            case "text/plain" -> {
                return SpecParser.fromIni(text);
            }
            default -> throw new UnsupportedType();
        }
    }

    private void get(RoutingContext ctx) {
        long id = buildId(ctx.pathParam("id"));
        if (id <= 0) {
            error(ctx, 404, "no such build", List.of());
            return;
        }
        Caller caller = Caller.of(ctx);
        // While a stored change is on its way to the answers, a kept view may be older than what its worker was
        // told is stored: the store answers instead.
        BuildAnswers.Kept kept = changes.behind() ? null : answers.get(id);
        if (kept != null) {
            answer(ctx, caller, kept);
            return;
        }
        long mark = answers.mark();
        store.get(id).onComplete(found -> {
            if (found.failed()) {
                ctx.fail(found.cause());
            } else if (found.result().isEmpty()) {
                error(ctx, 404, "no such build", List.of());
            } else {
                answer(ctx, caller, answers.keep(found.result().get(), mark));
            }
        });
    }

    /** A build's view with signed links, and where it stands if queued; another user's is answered as missing. */
    private void answer(RoutingContext ctx, Caller caller, BuildAnswers.Kept kept) {
        if (!caller.maySee(kept.build())) {
            // Another user's build is answered like a missing one: ids say nothing about who builds what.
            error(ctx, 404, "no such build", List.of());
            return;
        }
        JsonObject view = kept.withDurations(links.signed(kept.view()), clock.instant());
        if (kept.build().state() != BuildState.QUEUED) {
            ctx.response().putHeader("content-type", "application/json").end(view.encode());
            return;
        }
        // A queued build says where it stands; a dispatcher that does not answer leaves it out.
        master.placeInLine(kept.build()).onComplete(place -> {
            if (place.succeeded() && place.result().isPresent()) {
                view.put("queue", place.result().get().toJson());
            }
            ctx.response().putHeader("content-type", "application/json").end(view.encode());
        });
    }

    /** 200 with the build when it ended CANCELED at once, 202 while its worker stops it; 404, 409 as the name says. */
    private void cancel(RoutingContext ctx) {
        master.cancel(buildId(ctx.pathParam("id")), Caller.of(ctx))
            .onSuccess(build -> json(ctx, build.state().isFinal() ? 200 : 202, BuildView.of(links.signed(build.toJson()))))
            .onFailure(err -> ApiErrors.send(ctx, err));
    }

    /** Newest first, filtered by {@code state}, {@code type}, {@code arch}, {@code release}; a user's own only. */
    private void list(RoutingContext ctx) {
        BuildState state;
        try {
            String s = ctx.queryParams().get("state");
            state = s == null ? null : BuildState.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            error(ctx, 400, "state: expected one of " + List.of(BuildState.values()), List.of());
            return;
        }
        int limit = limit(ctx);
        if (limit < 0) {
            return;
        }
        Caller caller = Caller.of(ctx);
        var params = ctx.queryParams();
        BuildQuery query = new BuildQuery(caller.admin() ? params.get("owner") : caller.name(), state,
            params.get("type"), params.get("arch"), params.get("release"), limit);
        store.list(query).onComplete(found -> {
            if (found.failed()) {
                ctx.fail(found.cause());
                return;
            }
            JsonArray builds = new JsonArray();
            found.result().stream().map(Build::toJson).map(links::signed).map(BuildView::of)
                .forEach(builds::add);
            json(ctx, 200, new JsonObject().put("builds", builds));
        });
    }

    private void workers(RoutingContext ctx) {
        master.workers()
            .onSuccess(known -> json(ctx, 200, new JsonObject().put("workers",
                new JsonArray(known.stream().map(KnownWorker::toJson).toList()))))
            .onFailure(err -> ApiErrors.send(ctx, err));
    }

    /** Builds per day by state and queue wait / build time per image type; the figures of the trends page. */
    private void trends(RoutingContext ctx) {
        String d = ctx.queryParams().get("days");
        int days;
        try {
            days = d == null ? TRENDS_DAYS : Integer.parseInt(d);
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 1 || days > MAX_TRENDS_DAYS) {
            error(ctx, 400, "days: expected a whole number from 1 to " + MAX_TRENDS_DAYS, List.of());
            return;
        }
        store.trends(clock.instant(), days).onFailure(ctx::fail).onSuccess(t -> json(ctx, 200, t.toJson()));
    }

    /** The {@code limit} query parameter (default 100), or -1 after answering 400 when it is not 1 to MAX_LIST. */
    private static int limit(RoutingContext ctx) {
        String l = ctx.queryParams().get("limit");
        try {
            int limit = l == null ? 100 : Integer.parseInt(l);
            if (limit >= 1 && limit <= MAX_LIST) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        error(ctx, 400, "limit: expected a number from 1 to " + MAX_LIST, List.of());
        return -1;
    }

    /** The mail outbox, newest first: what was sent, what waits, and (with no SMTP server) what was only logged. */
    private void mails(RoutingContext ctx) {
        if (!Caller.of(ctx).admin()) {
            // Mails carry every user's addresses and builds.
            error(ctx, 403, "only admins read the mail outbox", List.of());
            return;
        }
        int limit = limit(ctx);
        if (limit < 0) {
            return;
        }
        store.mails(limit).onComplete(found -> {
            if (found.failed()) {
                ctx.fail(found.cause());
                return;
            }
            JsonArray mails = new JsonArray();
            found.result().forEach(m -> mails.add(m.toJson()));
            json(ctx, 200, new JsonObject().put("mails", mails));
        });
    }

    private static long buildId(String s) {
        if (s == null || !s.matches("[0-9]{1,18}")) {
            return -1;
        }
        return Long.parseLong(s);
    }

    static void error(RoutingContext ctx, int status, String message, List<String> errors) {
        ApiErrors.send(ctx, status, message, errors);
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ApiErrors.json(ctx, status, body);
    }

    /** The request's Content-Type is neither JSON nor INI text. */
    private static final class UnsupportedType extends Exception {
        UnsupportedType() {
            super(null, null, false, false);
        }
    }
}
