package org.fbs.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import org.fbs.config.AuthSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect login (authorization code flow, OIDC Core 3.1): {@code GET /login?return=/path} sends the browser
 * to the provider with a state, a nonce and a PKCE challenge (S256) kept in the session; the provider sends it back
 * to {@code GET /callback}, which checks the state, exchanges the code with the PKCE verifier, checks that the ID
 * token carries the nonce and names this client as its audience, and keeps the {@link Caller} in the session (under
 * a new session id); the browser ends on {@code return} (a path on this master only). What goes wrong on the way back
 * (the provider's {@code error}, a state that is not this browser's, a code the provider does not take) answers a 4xx
 * page that says so, the provider's own words escaped. {@code POST /logout} ends the session and shows {@link
 * Access#LOGGED_OUT_PAGE}. Sessions live in this master's memory: a restart logs everybody out.
 *
 * <p>Vert.x's {@code OAuth2AuthHandler} sends no nonce (and so checks none), which providers that require one refuse.
 */
final class LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);
    static final String SESSION_COOKIE = "fbs.session";
    /** Idle time after which a session ends (the CSRF tokens of its pages stay good as long). */
    static final long SESSION_TIMEOUT = 4L * 60 * 60 * 1000;
    private static final String SESSION_CALLER = "fbs.caller";
    /** Logins begun in this session and not yet back, by state: a few tabs may log in at once. */
    private static final String SESSION_PENDING = "fbs.login";
    private static final int MAX_PENDING = 5;

    private final OAuth2Auth oidc;
    private final AuthSettings auth;
    private final String callbackUrl;
    private final CallerClaims claims;
    private final Identities identities;
    private final Vertx vertx;
    private final SecureRandom random = new SecureRandom();

    LoginFlow(Vertx vertx, OAuth2Auth oidc, AuthSettings auth, String publicUrl, CallerClaims claims,
              Identities identities) {
        this.vertx = vertx;
        this.oidc = oidc;
        this.auth = auth;
        this.callbackUrl = publicUrl + "/callback";
        this.claims = claims;
        this.identities = identities;
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
        router.get("/login").handler(this::login);
        router.get("/callback").handler(ctx -> {
            try {
                callback(ctx);
            } catch (RuntimeException e) {
                LOG.warn("login callback failed", e);
                refuse(ctx, 400, "the login did not complete: " + e.getMessage());
            }
        });
        router.post("/logout").handler(ctx -> {
            Caller caller = Caller.of(ctx);
            if (ctx.session() != null) {
                ctx.session().destroy();
            }
            if (caller != null) {
                LOG.info("{} logged out", caller.name());
            }
            ctx.response().setStatusCode(303).putHeader("Location", Access.LOGGED_OUT_PAGE).end();
        });
    }

    /** The caller of a request that comes with a login session; null without one. */
    static Caller of(RoutingContext ctx) {
        Session session = ctx.session();
        JsonObject caller = session == null ? null : session.get(SESSION_CALLER);
        return caller == null ? null : Caller.fromJson(caller);
    }

    private void login(RoutingContext ctx) {
        String target = LocalPath.orRoot(ctx.queryParams().get("return"));
        if (Caller.of(ctx) != null) {
            redirect(ctx, target);
            return;
        }
        String state = random(32);
        String nonce = random(32);
        String verifier = random(48); // 64 characters; RFC 7636 4.1 asks for 43 to 128
        JsonObject pending = ctx.session().get(SESSION_PENDING);
        pending = pending == null ? new JsonObject() : pending.copy();
        while (pending.size() >= MAX_PENDING) {
            Iterator<String> oldest = pending.fieldNames().iterator();
            oldest.next();
            oldest.remove();
        }
        pending.put(state, new JsonObject().put("nonce", nonce).put("verifier", verifier).put("return", target));
        ctx.session().put(SESSION_PENDING, pending);
        String url = oidc.authorizeURL(new OAuth2AuthorizationURL()
            .setRedirectUri(callbackUrl)
            .setScopes(auth.scopes())
            .setState(state)
            .setCodeChallenge(challenge(verifier))
            .setCodeChallengeMethod("S256")
            .putAdditionalParameter("nonce", nonce));
        redirect(ctx, url);
    }

    private void callback(RoutingContext ctx) {
        var params = ctx.queryParams();
        String state = params.get("state");
        JsonObject pending = ctx.session() == null ? null : ctx.session().get(SESSION_PENDING);
        JsonObject started = state == null || pending == null ? null : pending.getJsonObject(state);
        if (started != null) {
            // Each state is good for one return only.
            JsonObject rest = pending.copy();
            rest.remove(state);
            ctx.session().put(SESSION_PENDING, rest);
        }
        String error = params.get("error");
        if (error != null) {
            // RFC 6749 4.1.2.1: the provider says why in error and error_description.
            String description = params.get("error_description");
            refuse(ctx, "access_denied".equals(error) ? 403 : 400, "the provider refused the login: " + error
                + (description == null || description.isBlank() ? "" : " (" + description + ")"));
            return;
        }
        if (started == null) {
            refuse(ctx, 400, "this login was not started here, or was finished already, or its session ended "
                + "(the state does not match)");
            return;
        }
        String code = params.get("code");
        if (code == null || code.isBlank()) {
            refuse(ctx, 400, "the provider sent no code");
            return;
        }
        oidc.authenticate(new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode(code)
                .setRedirectUri(callbackUrl)
                .setCodeVerifier(started.getString("verifier")))
            .onFailure(err -> refuse(ctx, 400, "the provider did not accept the login code: " + err.getMessage()))
            .onSuccess(user -> {
                String wrong = idTokenProblem(user, started.getString("nonce"));
                if (wrong != null) {
                    refuse(ctx, 400, wrong);
                } else {
                    finish(ctx, user, started.getString("return"));
                }
            });
    }

    /** What is wrong with the login's ID token (OIDC Core 3.1.3.7); null when it is good. */
    private String idTokenProblem(User user, String nonce) {
        JsonObject idToken = user.attributes().getJsonObject("idToken");
        if (idToken == null) {
            return "the provider sent no ID token (is openid among master.auth.oidc.scopes?)";
        }
        if (!nonce.equals(idToken.getString("nonce"))) {
            // A token made for another login (a replay) or by a provider that ignores the nonce.
            return "the ID token does not carry this login's nonce";
        }
        Object aud = idToken.getValue("aud");
        boolean ours = aud instanceof JsonArray list ? list.contains(auth.clientId()) : auth.clientId().equals(aud);
        if (!ours) {
            return "the ID token was not issued to this application (its audience is " + aud + ")";
        }
        return null;
    }

    private void finish(RoutingContext ctx, User user, String target) {
        // The userinfo endpoint has the groups when the ID token does not carry them. It works on a copy: it
        // rewrites the user's claims.
        oidc.userInfo(User.create(user.principal().copy(), user.attributes().copy()))
            .recover(err -> {
                LOG.debug("no userinfo from the provider: {}", err.getMessage());
                return Future.succeededFuture(null);
            })
            .compose(info -> identities.caller(claims.login(claims.of(user, info))))
            .onFailure(err -> {
                LOG.warn("login refused: {}", err.getMessage());
                if (err instanceof IllegalArgumentException) {
                    refuse(ctx, 403, "login refused: " + err.getMessage());
                } else {
                    ctx.fail(err);
                }
            })
            .onSuccess(caller -> {
                // A new session id: one planted in the browser before the login must not become a logged-in one.
                ctx.session().regenerateId();
                ctx.session().remove(SESSION_PENDING);
                ctx.session().put(SESSION_CALLER, caller.toJson());
                LOG.info("{} logged in{}", caller.name(), caller.admin() ? " (admin)" : "");
                redirect(ctx, target);
            });
    }

    /** A page that says why the login stopped; the reason may quote the provider, so it is escaped. */
    private static void refuse(RoutingContext ctx, int status, String reason) {
        LOG.info("login callback refused ({}): {}", status, reason);
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status)
            .putHeader("content-type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .putHeader("Content-Security-Policy", "default-src 'none'")
            .end("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Login failed</title></head><body>"
                + "<h1>Login failed</h1><p id=\"reason\">" + escape(reason) + "</p>"
                + "<p><a href=\"/login\">Log in again</a></p></body></html>\n");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private String random(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** RFC 7636 4.2: BASE64URL(SHA256(ASCII(verifier))). */
    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static void redirect(RoutingContext ctx, String target) {
        ctx.response()
            .setStatusCode(302)
            .putHeader("Cache-Control", "no-store")
            .putHeader("Location", target)
            .end();
    }
}
