package org.fbs.auth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.fbs.config.AuthSettings;
import org.fbs.config.MasterSettings;
import org.fbs.store.AsyncBuildStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets requests in and says who sent them ({@link Caller}); {@link #install} puts it in front of every route.
 *
 * <p><b>Without login</b> ({@code master.auth.oidc.issuer} unset) the master listens on loopback only and every
 * request comes from its one local admin, {@link Caller#LOCAL} ({@link #localMode()} is true: pages say so). A
 * write that a browser sends from another site (its {@code Origin} is not this master) is refused, so that a web
 * page cannot use the local admin.
 *
 * <p><b>With login</b> a request is sent by:
 * <ul>
 *   <li>a personal API token ({@code Authorization: Bearer fbs_...}, see {@link ApiTokens});
 *   <li>an access token of the OIDC provider ({@code Authorization: Bearer <JWT>}, checked against the provider's
 *       keys, or by introspection when it is not a JWT);
 *   <li>a login session ({@code GET /login?return=/path}, see {@link LoginFlow});
 *   <li>nobody: every {@code /api/*} and {@code /rest} request then answers 401 JSON with
 *       {@code WWW-Authenticate: Bearer}, except {@code GET /api/v1/info} and the OpenAPI document. The operator
 *       routes ({@code /healthz}, {@code /readyz}, {@code /metrics}) stay open. Pages that need a user put
 *       {@link #requireLogin()} in front.
 * </ul>
 * A bad token answers 401 whatever the route. A session may read the API; its API writes must carry the CSRF
 * header, otherwise writes take a bearer token.
 *
 * <p><b>CSRF</b> (both modes): every request to a page (not /api, not /rest, not the operator routes) without a
 * bearer token goes through Vert.x's {@link CSRFHandler}. A GET hands out a token: {@link #csrfToken(RoutingContext)}.
 * A POST, PUT, PATCH or DELETE must send it back, else 403:
 * <ul>
 *   <li>forms: {@code <input type="hidden" name="X-XSRF-TOKEN" value="...">}, i.e. a field named
 *       {@link #CSRF_FIELD} whose value is {@code Access.csrfToken(ctx)} of the page's GET;
 *   <li>scripts: the {@code X-XSRF-TOKEN} header with the value of the {@code XSRF-TOKEN} cookie ({@link #CSRF_COOKIE});
 *       this is also what session writes to /api need.
 * </ul>
 * A token is renewed after each write it allowed (the cookie follows), so read it anew for each request. Form
 * bodies of pages (url-encoded or multipart with uploads, at most {@link #FORM_BODY_LIMIT} bytes) are read here,
 * because the check needs them: a page's own BodyHandler after this one does nothing.
 */
public final class Access {

    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    /** The hidden form field (and the request header) that carries the CSRF token. */
    public static final String CSRF_FIELD = CSRFHandler.DEFAULT_HEADER_NAME;
    /** The cookie that holds the CSRF token for scripts (SameSite=Strict, readable by the page's script). */
    public static final String CSRF_COOKIE = CSRFHandler.DEFAULT_COOKIE_NAME;
    /**
     * Where {@code POST /logout} sends the browser: a page that stays on this master. Not the login: a browser that
     * followed the logout's redirect on to the provider is stopped by the pages' CSP ({@code form-action 'self'}
     * covers redirects), and a provider with its own session would log the user straight back in.
     */
    public static final String LOGGED_OUT_PAGE = "/logged-out";
    public static final long FORM_BODY_LIMIT = 2L * 1024 * 1024;
    /** Readable by anybody: what a client needs before it has a token. */
    private static final Set<String> OPEN_API = Set.of("/api/v1/info");
    private static final String OPENAPI_PREFIX = "/api/v1/openapi";
    private static final Set<String> OPS = Set.of("/healthz", "/readyz", "/metrics");
    private static final Set<String> LOGIN_ROUTES = Set.of("/login", "/callback");
    private static final String VIA_BEARER = "fbs.bearer";
    private static final String CSRF_CHECKING = "fbs.csrf-checking";

    private final Vertx vertx;
    private final MasterSettings settings;
    private final ApiTokens tokens;
    private final CallerClaims claims;
    private final Identities identities;
    /** Null without login. */
    private final OAuth2Auth oidc;
    private final LocalHosts localHosts;

    private Access(Vertx vertx, MasterSettings settings, ApiTokens tokens, CallerClaims claims, OAuth2Auth oidc,
                   AsyncBuildStore store) {
        this.vertx = vertx;
        this.settings = settings;
        this.tokens = tokens;
        this.claims = claims;
        this.identities = new Identities(store, claims);
        this.oidc = oidc;
        this.localHosts = new LocalHosts(settings.httpHost(), settings.publicUrl());
    }

    /** Access for the master; with login configured, after asking the provider for its endpoints and keys. */
    public static Future<Access> create(Vertx vertx, MasterSettings settings, AsyncBuildStore store) {
        AuthSettings auth = settings.auth();
        CallerClaims claims = new CallerClaims(auth);
        ApiTokens tokens = new ApiTokens(store, claims);
        if (!auth.loginEnabled()) {
            LOG.warn("no login configured (master.auth.oidc.issuer): every request comes from one local admin; "
                + "this master listens on loopback only");
            return Future.succeededFuture(new Access(vertx, settings, tokens, claims, null, store));
        }
        String issuer = auth.issuer().toString().replaceAll("/+$", "");
        OAuth2Options options = new OAuth2Options()
            .setSite(issuer)
            .setClientId(auth.clientId())
            .setClientSecret(auth.clientSecret());
        return OpenIDConnectAuth.discover(vertx, options)
            .recover(err -> Future.failedFuture(new IllegalStateException("master.auth.oidc.issuer: the provider at "
                + issuer + " did not answer its OpenID Connect discovery: " + err.getMessage())))
            .map(oidc -> {
                // The provider may roll its keys: fetch them again when a token names a key we do not know.
                oidc.missingKeyHandler(kid -> oidc.jWKSet().onFailure(err ->
                    LOG.warn("could not fetch the provider's keys again: {}", err.getMessage())));
                LOG.info("login with OpenID Connect at {} as client {}; admins: group {}, users {}", issuer,
                    auth.clientId(), auth.adminGroup() == null ? "none" : auth.adminGroup(), auth.admins());
                return new Access(vertx, settings, tokens, claims, oidc, store);
            });
    }

    /** True when nobody logs in and every request comes from the one local admin. */
    public boolean localMode() {
        return oidc == null;
    }

    /** The personal API tokens, for {@link TokenRoutes}. */
    public ApiTokens tokens() {
        return tokens;
    }

    /** The CSRF token to put in the {@link #CSRF_FIELD} field of the forms of a page (null on non-page routes). */
    public static String csrfToken(RoutingContext ctx) {
        return ctx.get(CSRF_FIELD);
    }

    /** Installs, in front of every route, what finds the caller, refuses strangers and checks CSRF tokens. */
    public void install(Router router) {
        LoginFlow login = oidc == null ? null : new LoginFlow(vertx, oidc, settings.auth(), settings.publicUrl(),
            claims, identities);
        if (login != null) {
            router.route().handler(login.sessions());
        }
        router.route().handler(login == null ? this::local : this::identify);
        router.route().handler(this::guard);
        BodyHandler forms = BodyHandler.create(true)
            .setBodyLimit(FORM_BODY_LIMIT)
            .setUploadsDirectory(settings.dataDir().resolve("uploads").toString())
            .setDeleteUploadedFilesOnEnd(true);
        router.route().handler(ctx -> {
            if (isPage(ctx) && !safe(ctx.request().method()) && ctx.get(VIA_BEARER) == null) {
                forms.handle(ctx);
            } else {
                ctx.next();
            }
        });
        CSRFHandler csrf = CSRFHandler.create(vertx, randomSecret())
            .setCookieSecure(settings.auth().secureCookies())
            .setTimeout(LoginFlow.SESSION_TIMEOUT);
        router.route().handler(ctx -> checkCsrf(ctx, csrf));
        // Only reached when the CSRF check passed (or did not apply).
        router.route().handler(ctx -> {
            ctx.remove(CSRF_CHECKING);
            ctx.next();
        });
        router.route().failureHandler(this::refused);
        if (login != null) {
            login.mount(router);
        } else {
            // Pages link to these in both modes; without login there is nobody to log in or out.
            router.get("/login").handler(ctx -> redirect(ctx, 302, LocalPath.orRoot(ctx.queryParams().get("return"))));
            router.post("/logout").handler(ctx -> redirect(ctx, 303, "/"));
        }
    }

    /**
     * For pages that need a user: without one, a GET goes to the login (and comes back to the same page), any other
     * request answers 401. Lets everything through without login (local mode).
     */
    public Handler<RoutingContext> requireLogin() {
        return ctx -> {
            if (Caller.of(ctx) != null) {
                ctx.next();
            } else if (safe(ctx.request().method())) {
                redirect(ctx, 302, "/login?return=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8));
            } else {
                unauthorized(ctx, "log in first", false);
            }
        };
    }

    /**
     * Local mode: the local admin, unless the request names another host (DNS rebinding: a web page whose name now
     * resolves to this machine's loopback reads and writes as the local admin; its Host header still has its name)
     * or a browser brings it from another site.
     */
    private void local(RoutingContext ctx) {
        String host = ctx.request().getHeader(HttpHeaders.HOST);
        if (host != null && !localHosts.allows(host)) {
            LOG.warn("refused a {} {} for host {}", ctx.request().method(), ctx.request().path(),
                LocalHosts.printable(host));
            json(ctx, 421, "refused: this master answers only for " + localHosts + "; the request names host "
                + LocalHosts.printable(host));
            return;
        }
        if (!safe(ctx.request().method()) && crossSite(ctx)) {
            String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
            LOG.warn("refused a {} {} sent from {}", ctx.request().method(), ctx.request().path(),
                origin == null ? "another web site (Sec-Fetch-Site)" : origin);
            json(ctx, 403, "refused: this request comes from another web site");
            return;
        }
        Caller.LOCAL.attachTo(ctx);
        ctx.next();
    }

    /** A browser names the page a write comes from (Origin, Sec-Fetch-Site); curl and the CLI send neither. */
    private boolean crossSite(RoutingContext ctx) {
        if ("cross-site".equals(ctx.request().getHeader("Sec-Fetch-Site"))) {
            return true;
        }
        String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return false;
        }
        String host = ctx.request().getHeader(HttpHeaders.HOST);
        return !(origin.equals(settings.publicUrl()) || origin.equals("http://" + host)
            || origin.equals("https://" + host));
    }

    /** With login: the caller from a bearer token or the login session; no caller for anybody else. */
    private void identify(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            Caller caller = LoginFlow.of(ctx);
            if (caller != null) {
                caller.attachTo(ctx);
            }
            ctx.next();
            return;
        }
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        if (token.isEmpty()) {
            unauthorized(ctx, "send a token as Authorization: Bearer TOKEN", true);
            return;
        }
        // Keep the body for the handlers after this look-up, as Vert.x's own auth handlers do.
        boolean paused = !ctx.request().isEnded();
        if (paused) {
            ctx.request().pause();
        }
        bearer(token).onComplete(found -> {
            if (paused) {
                ctx.request().resume();
            }
            if (found.succeeded() && found.result().isPresent()) {
                found.result().get().attachTo(ctx);
                ctx.put(VIA_BEARER, true);
                ctx.next();
            } else {
                LOG.debug("bearer token refused: {}", found.failed() ? found.cause().getMessage() : "unknown token");
                unauthorized(ctx, "the token is not valid: unknown, revoked, expired or not signed by the provider",
                    true);
            }
        });
    }

    private Future<Optional<Caller>> bearer(String token) {
        if (ApiTokens.isOurs(token)) {
            return tokens.caller(token);
        }
        return oidc.authenticate(new TokenCredentials(token)).compose(user -> {
            if (!forUs(user)) {
                return Future.failedFuture("the token was issued for another application");
            }
            return identities.caller(claims.login(claims.of(user, null))).map(Optional::of);
        });
    }

    /**
     * Whether the provider issued the token to this master: a JWT whose audience includes our client id (Vert.x
     * checks a JWT's audience only when it has one; a JWT without {@code aud} is for anybody, so not for us, RFC
     * 9068 3), or an introspected token whose audience or client is ours. Another application that got a user's
     * token from the same provider cannot use it here.
     */
    private boolean forUs(User user) {
        String clientId = settings.auth().clientId();
        JsonObject jwt = user.attributes().getJsonObject("accessToken");
        if (jwt != null) {
            return audienceHas(jwt.getValue("aud"), clientId);
        }
        JsonObject introspected = user.principal();
        return audienceHas(introspected.getValue("aud"), clientId)
            || clientId.equals(introspected.getString("client_id"));
    }

    private static boolean audienceHas(Object aud, String clientId) {
        return aud instanceof JsonArray list ? list.contains(clientId) : clientId.equals(aud);
    }

    /** API requests without a caller answer 401, but for what anybody may read. */
    private void guard(RoutingContext ctx) {
        if (Caller.of(ctx) != null || !isApi(ctx.normalizedPath()) || openApi(ctx)) {
            ctx.next();
        } else {
            unauthorized(ctx, "log in, or send a token as Authorization: Bearer TOKEN", false);
        }
    }

    private void checkCsrf(RoutingContext ctx, CSRFHandler csrf) {
        String path = ctx.normalizedPath();
        if (ctx.get(VIA_BEARER) != null || OPS.contains(path) || LOGIN_ROUTES.contains(path)) {
            // A bearer token is never sent by a browser on its own: nothing to forge.
            ctx.next();
            return;
        }
        if (isApi(path)) {
            if (localMode() || safe(ctx.request().method()) || Caller.of(ctx) == null) {
                ctx.next();
                return;
            }
            // A write to the API from a login session.
            if (ctx.request().getHeader(CSRF_FIELD) == null) {
                json(ctx, 403, "a write from a browser session needs the " + CSRF_FIELD + " header (the value of "
                    + "the " + CSRF_COOKIE + " cookie); scripts should send a token as Authorization: Bearer TOKEN");
                return;
            }
        }
        ctx.put(CSRF_CHECKING, true);
        csrf.handle(ctx);
    }

    /** A clear answer for what the CSRF check refuses; everything else goes on. */
    private void refused(RoutingContext ctx) {
        if (ctx.statusCode() == 403 && ctx.get(CSRF_CHECKING) != null) {
            json(ctx, 403, "the form's CSRF token is missing, stale or from another session: reload the page and "
                + "send it again");
        } else {
            ctx.next();
        }
    }

    private boolean openApi(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return safe(ctx.request().method()) && (OPEN_API.contains(path) || path.startsWith(OPENAPI_PREFIX));
    }

    private static boolean isApi(String path) {
        return path.startsWith("/api/") || path.equals("/api") || path.equals("/rest");
    }

    private static boolean isPage(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return !isApi(path) && !OPS.contains(path) && !LOGIN_ROUTES.contains(path);
    }

    private static boolean safe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    }

    /** 401 with the challenge RFC 6750 asks for; {@code badToken} when a token was sent and refused. */
    private static void unauthorized(RoutingContext ctx, String message, boolean badToken) {
        ctx.response().putHeader("WWW-Authenticate",
            badToken ? "Bearer realm=\"fbs\", error=\"invalid_token\"" : "Bearer realm=\"fbs\"");
        json(ctx, 401, message);
    }

    private static void json(RoutingContext ctx, int status, String message) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", message).encode());
        }
    }

    private static void redirect(RoutingContext ctx, int status, String location) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.LOCATION, location).end();
    }

    /** Signs the CSRF tokens of this run; sessions do not outlive it either. */
    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
