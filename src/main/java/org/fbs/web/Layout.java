package org.fbs.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import org.fbs.auth.Access;
import org.fbs.auth.Caller;

/**
 * Sends pages: each page's template draws the frame every page shares ({@code layout.jte}: header, navigation, who
 * is logged in, with a Log out button once login is on); this class adds the security headers.
 */
final class Layout {

    /** No script or style from anywhere else, no inline script: an injected tag could not run even if one slipped. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'";

    private Layout() {
    }

    /**
     * Sends a whole page from its template.
     *
     * @param template      the template's file name in {@code src/main/jte}
     * @param model         what the template takes as {@code m}
     * @param refreshMillis how often the page's script refreshes its live parts; 0 when nothing on it changes
     */
    static void send(RoutingContext ctx, int status, String title, String template, Object model,
                     long refreshMillis) {
        if (ctx.response().ended()) {
            return;
        }
        String page = Templates.page(template, frame(ctx, title, refreshMillis), model);
        ctx.response().setStatusCode(status)
            .putHeader("content-type", "text/html; charset=utf-8")
            .putHeader("content-security-policy", CSP)
            .putHeader("x-content-type-options", "nosniff")
            .putHeader("referrer-policy", "same-origin")
            .putHeader("cache-control", "no-store")
            .end(page);
    }

    /** A page that only says something went wrong, and what. */
    static void message(RoutingContext ctx, int status, String title, String text) {
        send(ctx, status, title, "message.jte", text, 0);
    }

    private static Frame frame(RoutingContext ctx, String title, long refreshMillis) {
        Caller caller = Caller.of(ctx);
        boolean local = Caller.LOCAL.equals(caller);
        return new Frame(title, caller == null ? null : caller.display(), caller != null && caller.admin(),
            caller != null && !local, local, Objects.requireNonNullElse(Access.csrfToken(ctx), ""), refreshMillis);
    }
}
