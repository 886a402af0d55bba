package org.fbs.master;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.fbs.auth.Caller;
import org.fbs.service.MasterService;

/**
 * The operators' worker routes: {@code POST /api/v1/workers/{worker}/drain} (optional body {@code {"exit": true}})
 * and {@code POST /api/v1/workers/{worker}/undrain}. Admins only (403 otherwise); 404 for a worker that is not
 * online. Answers with the worker as {@code GET /api/v1/workers} lists it. Needs a body handler on /api/*.
 */
public final class WorkerRoutes {

    private WorkerRoutes() {
    }

    public static void mount(Router router, MasterService master) {
        router.post("/api/v1/workers/:worker/drain").handler(ctx -> change(ctx, master, true));
        router.post("/api/v1/workers/:worker/undrain").handler(ctx -> change(ctx, master, false));
    }

    private static void change(RoutingContext ctx, MasterService master, boolean drain) {
        Caller caller = Caller.of(ctx);
        boolean exit;
        try {
            // Read only for an admin: anybody else is refused whatever the body says.
            exit = drain && caller != null && caller.admin() && exitFlag(ctx);
        } catch (IllegalArgumentException e) {
            ApiErrors.send(ctx, 400, "the request has errors", List.of(e.getMessage()));
            return;
        }
        master.drain(ctx.pathParam("worker"), drain, exit, caller)
            .onSuccess(worker -> ctx.response().putHeader("content-type", "application/json")
                .end(worker.toJson().encode()))
            .onFailure(err -> ApiErrors.send(ctx, err));
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
