package org.fbs.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.OAuth2AuthHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import org.fbs.config.AuthSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect login: {@code GET /login?return=/path} sends the browser to the provider (authorization code
 * flow with state and PKCE), the provider sends it back to {@code GET /callback}, and the session then holds the
 * {@link Caller}; the browser ends on {@code return} (a path on this master only). {@code POST /logout} ends the
 * session and shows {@link Access#LOGGED_OUT_PAGE}. Sessions live in this master's memory: a restart logs everybody
 * out.
 */
final class LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);
    static final String SESSION_COOKIE = "fbs.session";
    /** Idle time after which a session ends (the CSRF tokens of its pages stay good as long). */
    static final long SESSION_TIMEOUT = 4L * 60 * 60 * 1000;
    private static final String SESSION_CALLER = "fbs.caller";

    private final Vertx vertx;
    private final OAuth2Auth oidc;
    private final AuthSettings auth;
    private final String publicUrl;
    private final CallerClaims claims;

    LoginFlow(Vertx vertx, OAuth2Auth oidc, AuthSettings auth, String publicUrl, CallerClaims claims) {
        this.vertx = vertx;
        this.oidc = oidc;
        this.auth = auth;
        this.publicUrl = publicUrl;
        this.claims = claims;
    }

    /** Sessions for every request; created only once something is kept in them (a login, a CSRF token). */
    SessionHandler sessions() {
        return SessionHandler.create(LocalSessionStore.create(vertx))
            .setLazySession(true)
            .setSessionCookieName(SESSION_COOKIE)
            .setCookieHttpOnlyFlag(true)
            .setCookieSameSite(CookieSameSite.LAX)
            .setCookieSecureFlag(auth.secureCookies())
            .setSessionTimeout(SESSION_TIMEOUT);
    }

    void mount(Router router) {
        OAuth2AuthHandler provider = OAuth2AuthHandler.create(vertx, oidc, publicUrl + "/callback")
            .withScopes(auth.scopes())
            .pkceVerifierLength(64);
        provider.setupCallback(router.get("/callback"));
        // The provider's handler only ever sees a browser that has not logged in yet, and sends it away.
        router.get("/login").handler(this::whenLoggedIn);
        router.get("/login").handler(provider);
        router.post("/logout").handler(ctx -> {
            Caller caller = Caller.of(ctx);
            ctx.userContext().clear();
            if (caller != null) {
                LOG.info("{} logged out", caller.name());
            }
            ctx.response().setStatusCode(303).putHeader("Location", Access.LOGGED_OUT_PAGE).end();
        });
    }

    /** The caller of a request that comes with a login session; null without one. */
    static Caller of(RoutingContext ctx) {
        Session session = ctx.session();
        if (session == null || ctx.user() == null) {
            return null;
        }
        JsonObject caller = session.get(SESSION_CALLER);
        return caller == null ? null : Caller.fromJson(caller);
    }

    private void whenLoggedIn(RoutingContext ctx) {
        String target = LocalPath.orRoot(ctx.queryParams().get("return"));
        if (Caller.of(ctx) != null) {
            redirect(ctx, target);
        } else if (ctx.user() != null) {
            // Back from the provider (the callback sends the browser to the /login it started from).
            finish(ctx, ctx.user(), target);
        } else {
            ctx.next();
        }
    }

    private void finish(RoutingContext ctx, User user, String target) {
        // The userinfo endpoint has the groups when the ID token does not carry them. It works on a copy: it
        // rewrites the user's claims, and the session keeps the user as the login made it.
        oidc.userInfo(User.create(user.principal().copy(), user.attributes().copy()))
            .recover(err -> {
                LOG.debug("no userinfo from the provider: {}", err.getMessage());
                return Future.succeededFuture(null);
            })
            .onSuccess(info -> {
                Caller caller;
                try {
                    caller = claims.caller(CallerClaims.of(user, info));
                } catch (IllegalArgumentException e) {
                    ctx.userContext().clear();
                    LOG.warn("login refused: {}", e.getMessage());
                    ctx.response().setStatusCode(403).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", "login refused: " + e.getMessage()).encode());
                    return;
                }
                ctx.session().put(SESSION_CALLER, caller.toJson());
                LOG.info("{} logged in{}", caller.name(), caller.admin() ? " (admin)" : "");
                redirect(ctx, target);
            });
    }

    private static void redirect(RoutingContext ctx, String target) {
        ctx.response()
            .setStatusCode(302)
            .putHeader("Cache-Control", "no-store")
            .putHeader("Location", target)
            .end();
    }
}
