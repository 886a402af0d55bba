package org.fbs.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import org.fbs.auth.Access;
import org.fbs.auth.Caller;

/**
 * The frame every page shares: header, navigation, who is logged in (with a Log out button once login is on), and
 * the security headers.
 */
final class Layout {

    /** No script or style from anywhere else, no inline script: an injected tag could not run even if one slipped. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'";

    private Layout() {
    }

    /**
     * Sends a whole page.
     *
     * @param refreshMillis how often the page's script refreshes its live parts; 0 when nothing on it changes
     */
    static void send(RoutingContext ctx, int status, String title, Html main, long refreshMillis) {
        if (ctx.response().ended()) {
            return;
        }
        Caller caller = Caller.of(ctx);
        Html page = new Html().add("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .add("<title>").text(title).add(" · FBS</title>")
            .add("<link rel=\"stylesheet\" href=\"").add(WebPages.CSS).add("\">")
            .add("<script src=\"").add(WebPages.JS).add("\" defer></script></head>")
            .add(refreshMillis > 0 ? "<body data-refresh=\"" + refreshMillis + "\">" : "<body>")
            .add("<header class=\"top\"><a class=\"brand\" href=\"/\">FBS</a><nav>")
            .add("<a href=\"/\">Dashboard</a><a href=\"/builds/new\">New build</a>")
            .add("<a href=\"/cluster\">Cluster</a><a href=\"/account\">Account</a></nav>")
            .add("<span class=\"user\">").text(caller == null ? "not logged in" : caller.display())
            .add(caller != null && caller.admin() ? " <span class=\"badge\">admin</span>" : "")
            .add("</span>");
        if (caller != null && !Caller.LOCAL.equals(caller)) {
            // A form, not a link: logging out is a write, so it carries the CSRF token like every other form.
            page.add("<form class=\"logout\" method=\"post\" action=\"/logout\">").add(csrfField(ctx))
                .add("<button type=\"submit\" id=\"logout\">Log out</button></form>");
        }
        page.add("</header>");
        if (Caller.LOCAL.equals(caller)) {
            page.add("<p class=\"banner\" id=\"local-mode\">local mode: no login, you are the local admin</p>");
        }
        page.add("<main>").add(main.toString()).add("</main></body></html>\n");
        ctx.response().setStatusCode(status)
            .putHeader("content-type", "text/html; charset=utf-8")
            .putHeader("content-security-policy", CSP)
            .putHeader("x-content-type-options", "nosniff")
            .putHeader("referrer-policy", "same-origin")
            .putHeader("cache-control", "no-store")
            .end(page.toString());
    }

    /** A page that only says something went wrong, and what. */
    static void message(RoutingContext ctx, int status, String title, String text) {
        send(ctx, status, title, new Html().add("<h1>").text(title).add("</h1><p class=\"error\">").text(text)
            .add("</p>"), 0);
    }

    /** The hidden field every form post carries. */
    static String csrfField(RoutingContext ctx) {
        return "<input type=\"hidden\" name=\"" + Html.esc(Access.CSRF_FIELD) + "\" value=\""
            + Html.esc(Objects.requireNonNullElse(Access.csrfToken(ctx), "")) + "\">";
    }
}
