package org.fbs.web;

import io.vertx.ext.web.RoutingContext;
import org.fbs.auth.Caller;

/**
 * Where a logout ends: it says so and offers to log in again, and does not send the browser on to the provider
 * (whose own session would log the user straight back in). Whoever is logged in goes to the dashboard instead.
 */
final class LoggedOutPage {

    private LoggedOutPage() {
    }

    static void show(RoutingContext ctx) {
        if (Caller.of(ctx) != null) {
            ctx.response().setStatusCode(302).putHeader("location", "/").end();
            return;
        }
        Layout.send(ctx, 200, "Logged out", "loggedout.jte", "", 0);
    }
}
