package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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
import org.fbs.config.MasterSettings;
import org.fbs.logs.LogRelay;
import org.fbs.ops.BuildInfo;
import org.fbs.ops.ConnectionGuard;
import org.fbs.ops.OpsRoutes;
import org.fbs.protocol.Addresses;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildQuery;
import org.fbs.web.ApiTokenBook;
import org.fbs.web.WebPages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The master's HTTP face: the REST API under /api/v1 (a build's log too: users never need to reach a worker). */
public final class ApiVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
    static final long MAX_BODY = 1024 * 1024;
    static final int MAX_LIST = 1000;
    static final int TRENDS_DAYS = 30;
    static final int MAX_TRENDS_DAYS = 366;
    /** Finished builds whose answers are kept for repeated reads (a few KiB each). */
    static final int FINISHED_KEPT = 10_000;
    /** Content types that say nothing about the spec's form. */
    static final Set<String> SNIFFED = Set.of("", "application/x-www-form-urlencoded", "application/octet-stream");

    private final MasterSettings settings;
    private final AsyncBuildStore store;
    private final OpsRoutes ops;
    private final Access access;
    private final WorkerLinks links;
    private final FinishedBuilds finished = new FinishedBuilds(FINISHED_KEPT);
    private BuildIntake intake;
    private QueueStanding queue;
    private Router router;
    private final Clock clock = Clock.systemUTC();

    /** An API whose worker links are signed with this process's secret (tests). */
    public ApiVerticle(MasterSettings settings, AsyncBuildStore store, OpsRoutes ops, Access access) {
        this(settings, store, ops, access, WorkerLinks.perProcess());
    }

    /** @param links signs the worker links in every build it answers with, and the master's own log reads */
    public ApiVerticle(MasterSettings settings, AsyncBuildStore store, OpsRoutes ops, Access access,
                       WorkerLinks links) {
        this.links = links;
        this.settings = settings;
        this.store = store;
        this.ops = ops;
        this.access = access;
    }

    @Override
    public Future<?> start() {
        intake = new BuildIntake(vertx, settings);
        queue = new QueueStanding(vertx, store);
        router = Router.router(vertx);
        access.install(router);
        router.post("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        new TokenRoutes(access.tokens()).mount(router);
        router.post("/api/v1/builds").handler(this::submit);
        router.post("/rest").handler(BodyHandler.create(false).setBodyLimit(RestCompatHandler.MAX_BODY));
        router.post("/rest").handler(new RestCompatHandler(this::store));
        router.get("/api/v1/builds").handler(this::list);
        router.get("/api/v1/builds/:id").handler(this::get);
        LogRelay logs = new LogRelay(vertx, store, links);
        router.get("/api/v1/builds/:id/log").handler(ctx -> logs.serve(ctx, Caller.of(ctx),
            buildId(ctx.pathParam("id")), "true".equals(ctx.queryParams().get("follow")),
            (c, status, message) -> error(c, status, message, List.of())));
        router.post("/api/v1/builds/:id/cancel").handler(this::cancel);
        router.get("/api/v1/workers").handler(this::workers);
        router.get("/api/v1/trends").handler(this::trends);
        WorkerRoutes.mount(router);
        router.get("/api/v1/info").handler(ctx -> json(ctx, 200,
            BuildInfo.current().toJson("master", settings.publicUrl())));
        ops.mount(router, vertx);
        router.get("/api/v1/mails").handler(this::mails);
        OpenApiRoutes.mount(router, vertx);
        new WebPages(vertx, store, intake, settings.dataDir().resolve("uploads"))
            .tokens(new ApiTokenBook(access.tokens())).logs(logs).links(links).mount(router);
        router.route().failureHandler(this::failure);
        return ConnectionGuard.server(vertx, router)
            .listen(settings.httpPort(), settings.httpHost());
    }

    /** The routes, for the test that holds them against the OpenAPI document. */
    Router router() {
        return router;
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
        intake.submit(parsed, Caller.of(ctx)).onComplete(stored -> {
            if (stored.succeeded()) {
                JsonObject build = stored.result();
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Location", "/api/v1/builds/" + build.getLong("id"))
                    .putHeader("content-type", "application/json")
                    .end(BuildView.of(links.signed(build)).encode());
            } else if (stored.cause() instanceof SpecException e) {
                error(ctx, 400, "the build spec has errors", e.errors());
            } else if (stored.cause() instanceof ReplyException re && re.failureCode() == Dispatcher.TOO_MANY_QUEUED) {
                error(ctx, 429, re.getMessage(), List.of());
            } else if (stored.cause() instanceof ReplyException re && re.failureCode() == Dispatcher.NOT_ISOLATED) {
                error(ctx, 403, re.getMessage(), List.of());
            } else {
                LOG.error("submit failed", stored.cause());
                error(ctx, 503, "the build could not be stored; nothing was queued", List.of());
            }
        });
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
        FinishedBuilds.Kept kept = finished.get(id);
        if (kept != null && (caller.admin() || caller.name().equals(kept.owner()))) {
            // Kept unsigned: each answer gets links that work from now on.
            ctx.response().putHeader("content-type", "application/json")
                .end(links.signed(new JsonObject(kept.answer())).encode());
            return;
        }
        store.get(id).onComplete(found -> {
            if (found.failed()) {
                ctx.fail(found.cause());
            } else if (found.result().isEmpty() || !caller.maySee(found.result().get())) {
                // Another user's build is answered like a missing one: ids say nothing about who builds what.
                error(ctx, 404, "no such build", List.of());
            } else {
                Build build = found.result().get();
                JsonObject view = BuildView.of(build.toJson());
                if (build.state().isFinal()) {
                    finished.put(id, build.owner(), view.encode());
                }
                // A queued build says where it stands; a dispatcher that does not answer leaves it out.
                queue.of(build).onComplete(place -> {
                    if (place.succeeded() && place.result() != null) {
                        view.put("queue", place.result().toJson());
                    }
                    ctx.response().putHeader("content-type", "application/json").end(links.signed(view).encode());
                });
            }
        });
    }

    /** 200 with the build when it ended CANCELED at once, 202 while its worker stops it; 404, 409 as the name says. */
    private void cancel(RoutingContext ctx) {
        long id = buildId(ctx.pathParam("id"));
        if (id <= 0) {
            error(ctx, 404, "no such build", List.of());
            return;
        }
        Caller caller = Caller.of(ctx);
        store.get(id).compose(found -> {
            if (found.isEmpty() || !caller.maySee(found.get())) {
                return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "no such build"));
            }
            return vertx.eventBus().<JsonObject>request(Addresses.MASTER_CANCEL, new JsonObject().put("build", id));
        })
            .onSuccess(reply -> {
                JsonObject build = reply.body();
                json(ctx, BuildState.valueOf(build.getString("state")).isFinal() ? 200 : 202,
                    BuildView.of(links.signed(build)));
            })
            .onFailure(err -> {
                if (err instanceof ReplyException re && (re.failureCode() == 404 || re.failureCode() == 409)) {
                    error(ctx, re.failureCode(), re.getMessage(), List.of());
                } else {
                    ctx.fail(err);
                }
            });
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
        vertx.eventBus().<JsonArray>request(Addresses.MASTER_WORKERS, null)
            .onSuccess(reply -> json(ctx, 200, new JsonObject().put("workers", reply.body())))
            .onFailure(ctx::fail);
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

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            long limit = ctx.request().path().equals("/rest") ? RestCompatHandler.MAX_BODY : MAX_BODY;
            error(ctx, 413, "the request body is larger than " + limit + " bytes", List.of());
        } else if (status >= 400 && status < 500) {
            error(ctx, status, "bad request", List.of());
        } else {
            Throwable cause = ctx.failure();
            LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(),
                cause instanceof ReplyException ? null : cause);
            error(ctx, 500, "internal error; the master's log has the details", List.of());
        }
    }

    static void error(RoutingContext ctx, int status, String message, List<String> errors) {
        JsonObject body = new JsonObject().put("error", message);
        if (!errors.isEmpty()) {
            body.put("errors", new JsonArray(errors));
        }
        json(ctx, status, body);
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
        }
    }

    /** The request's Content-Type is neither JSON nor INI text. */
    private static final class UnsupportedType extends Exception {
        UnsupportedType() {
            super(null, null, false, false);
        }
    }
}
