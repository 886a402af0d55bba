package org.fbs.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.fbs.store.ApiToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's personal API tokens: {@code POST /api/v1/tokens} {"name"} makes one and answers 201 with it (the only
 * time the token is shown), {@code GET /api/v1/tokens} lists them (never the token), {@code DELETE
 * /api/v1/tokens/{id}} revokes one of the caller's own (anybody else's answers 404). Mounted after the body handler;
 * {@link Access} has made sure there is a caller.
 */
public final class TokenRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRoutes.class);

    private final ApiTokens tokens;

    public TokenRoutes(ApiTokens tokens) {
        this.tokens = tokens;
    }

    public void mount(Router router) {
        router.post("/api/v1/tokens").handler(this::create);
        router.get("/api/v1/tokens").handler(this::list);
        router.delete("/api/v1/tokens/:id").handler(this::revoke);
    }

    private void create(RoutingContext ctx) {
        String name;
        try {
            JsonObject body = ctx.body().asJsonObject();
            name = body == null ? null : body.getValue("name") instanceof String s ? s : null;
        } catch (DecodeException | ClassCastException e) {
            invalid(ctx, "body: send a JSON object such as {\"name\": \"laptop\"}");
            return;
        }
        Caller caller = Caller.of(ctx);
        tokens.create(caller, name).onComplete(made -> {
            if (made.succeeded()) {
                ApiToken token = made.result().token();
                LOG.info("{} made API token {} ({})", caller.name(), token.id(), token.name());
                json(ctx, 201, token.toJson().put("token", made.result().secret()));
            } else if (made.cause() instanceof IllegalArgumentException e) {
                invalid(ctx, e.getMessage());
            } else if (made.cause() instanceof IllegalStateException e) {
                error(ctx, 409, e.getMessage());
            } else {
                ctx.fail(made.cause());
            }
        });
    }

    private void list(RoutingContext ctx) {
        tokens.of(Caller.of(ctx)).onSuccess(found -> {
            JsonArray out = new JsonArray();
            found.forEach(t -> out.add(t.toJson()));
            json(ctx, 200, new JsonObject().put("tokens", out));
        }).onFailure(ctx::fail);
    }

    private void revoke(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!id.matches("[0-9]{1,18}")) {
            error(ctx, 404, "no such token");
            return;
        }
        Caller caller = Caller.of(ctx);
        tokens.revoke(caller, Long.parseLong(id)).onSuccess(gone -> {
            if (gone) {
                LOG.info("{} revoked API token {}", caller.name(), id);
                ctx.response().setStatusCode(204).end();
            } else {
                error(ctx, 404, "no such token");
            }
        }).onFailure(ctx::fail);
    }

    private static void invalid(RoutingContext ctx, String field) {
        json(ctx, 400, new JsonObject().put("error", "the token request has errors")
            .put("errors", new JsonArray().add(field)));
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
