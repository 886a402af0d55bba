package org.fbs.master;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.fbs.service.ErrorStatus;
import org.fbs.service.MasterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API says something went wrong: {@code {"error": "...", "errors": [...]}} with the status, a refusal of the
 * master's service with the status {@link ErrorStatus} gives its reason.
 */
final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /** A refusal of the master's service as its status and words; anything else fails the request (a 500). */
    static void send(RoutingContext ctx, Throwable failure) {
        if (failure instanceof MasterException refused) {
            send(ctx, ErrorStatus.of(refused.reason()), refused.getMessage(), refused.errors());
        } else {
            ctx.fail(failure);
        }
    }

    static void send(RoutingContext ctx, int status, String message, List<String> errors) {
        JsonObject body = new JsonObject().put("error", message);
        if (!errors.isEmpty()) {
            body.put("errors", new JsonArray(errors));
        }
        json(ctx, status, body);
    }

    /** The master's answer to whatever failed outside a page: the body limit, bad requests, internal errors. */
    static void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            long limit = ctx.request().path().equals("/rest") ? RestCompatHandler.MAX_BODY : ApiRoutes.MAX_BODY;
            send(ctx, 413, "the request body is larger than " + limit + " bytes", List.of());
        } else if (status >= 400 && status < 500) {
            send(ctx, status, "bad request", List.of());
        } else {
            LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            send(ctx, 500, "internal error; the master's log has the details", List.of());
        }
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
        }
    }
}
