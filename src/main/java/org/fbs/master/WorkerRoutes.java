package org.fbs.master;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;
import org.fbs.auth.Caller;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.DrainRequest;

/**
 * The operators' worker routes: {@code POST /api/v1/workers/{worker}/drain} (optional body {@code {"exit": true}})
 * and {@code POST /api/v1/workers/{worker}/undrain}. Admins only (403 otherwise); 404 for a worker that is not
 * online. Answers with the worker as {@code GET /api/v1/workers} lists it. Needs a body handler on /api/*.
 */
public final class WorkerRoutes {

    /** What a worker id may look like ({@code worker.id}, a host name by default). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private WorkerRoutes() {
    }

    public static void mount(Router router) {
        router.post("/api/v1/workers/:worker/drain").handler(ctx -> change(ctx, true));
        router.post("/api/v1/workers/:worker/undrain").handler(ctx -> change(ctx, false));
    }

    static boolean isWorkerName(String name) {
        return NAME.matcher(name).matches();
    }

    private static void change(RoutingContext ctx, boolean drain) {
        Caller caller = Caller.of(ctx);
        if (caller == null || !caller.admin()) {
            ApiVerticle.error(ctx, 403, "only an admin may drain or undrain a worker", List.of());
            return;
        }
        String worker = ctx.pathParam("worker");
        if (worker == null || !isWorkerName(worker)) {
            ApiVerticle.error(ctx, 404, "no such worker", List.of());
            return;
        }
        boolean exit;
        try {
            exit = drain && exitFlag(ctx);
        } catch (IllegalArgumentException e) {
            ApiVerticle.error(ctx, 400, "the request has errors", List.of(e.getMessage()));
            return;
        }
        ctx.vertx().eventBus().<JsonObject>request(Addresses.MASTER_DRAIN,
                new DrainRequest(worker, drain, exit).toJson())
            .onSuccess(reply -> ctx.response().putHeader("content-type", "application/json")
                .end(reply.body().encode()))
            .onFailure(err -> {
                int status = err instanceof ReplyException re && re.failureCode() >= 400 ? re.failureCode() : 500;
                if (status == 500) {
                    ctx.fail(err);
                } else {
                    ApiVerticle.error(ctx, status, err.getMessage(), List.of());
                }
            });
    }

    /** {@code exit} from an optional JSON body: absent, or true or false. */
    private static boolean exitFlag(RoutingContext ctx) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            return false;
        }
        Object json;
        try {
            json = Json.decodeValue(text);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("body: not valid JSON");
        }
        if (!(json instanceof JsonObject object)) {
            throw new IllegalArgumentException("body: expected a JSON object such as {\"exit\": true}");
        }
        Object exit = object.getValue("exit");
        if (exit != null && !(exit instanceof Boolean)) {
            throw new IllegalArgumentException("exit: expected true or false");
        }
        return Boolean.TRUE.equals(exit);
    }
}
