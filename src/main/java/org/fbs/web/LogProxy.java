package org.fbs.web;

import io.vertx.ext.web.RoutingContext;
import org.fbs.auth.Caller;
import org.fbs.logs.LogRelay;

/**
 * {@code GET /builds/{id}/log[?follow=true]}: the build's log for the build page, through the master
 * ({@link LogRelay}); problems are said in plain text, which the page shows where the log would be.
 */
final class LogProxy {

    private final LogRelay relay;

    LogProxy(LogRelay relay) {
        this.relay = relay;
    }

    void serve(RoutingContext ctx, Caller caller) {
        relay.serve(ctx, caller, Show.buildId(ctx.pathParam("id")), "true".equals(ctx.queryParams().get("follow")),
            (c, status, message) -> c.response().setStatusCode(status).putHeader("content-type", LogRelay.TEXT)
                .putHeader("x-content-type-options", "nosniff").putHeader("cache-control", "no-store")
                .end(message + "\n"));
    }
}
