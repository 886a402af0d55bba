package org.fbs.auth;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.fbs.config.MasterSettings;
import org.fbs.master.MasterRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A real master with login, against a real OpenID Connect provider (mock-oauth2-server): the browser login through
 * the real redirects, sessions, CSRF, bearer tokens of both kinds, and who sees which build.
 */
class LoginAndAccessTest {

    static final String ISSUER_ID = "fedora";
    static final String CLIENT_ID = "fbs-test";
    /** Must never show up in a log line. */
    static final String CLIENT_SECRET = "s3cret-" + UUID.randomUUID();
    static final String INI = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file:///srv/fbs\n";

    @TempDir
    static Path data;
    static MockOAuth2Server provider;
    static Vertx vertx;
    static String url;
    static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    static final List<String> DEBUGGED = List.of("org.fbs", "io.vertx.ext.auth");

    @BeforeAll
    static void start() throws Exception {
        // Everything logged from before the master starts; FBS and Vert.x's OAuth2 client (which talks to the
        // provider with the secret) down to DEBUG.
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        for (String name : DEBUGGED) {
            ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.DEBUG);
        }

        provider = new MockOAuth2Server();
        provider.start();
        int port = freePort();
        url = "http://127.0.0.1:" + port;
        MasterSettings settings = MasterSettingsBuilder.master(data).httpPort(port)
            .auth(new JsonObject()
                .put("oidc", new JsonObject()
                    .put("issuer", provider.issuerUrl(ISSUER_ID).toString())
                    .put("client-id", CLIENT_ID)
                    .put("client-secret", CLIENT_SECRET))
                .put("admin-group", "fbs-admins")
                .put("trusted-group", "fbs-packagers")
                .put("admins", new JsonArray().add("root-by-list"))).build();
        vertx = Vertx.vertx();
        await(MasterRole.deploy(vertx, settings));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (vertx != null) {
                await(vertx.close());
            }
            if (provider != null) {
                provider.shutdown();
            }
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
            for (String name : DEBUGGED) {
                ((Logger) LoggerFactory.getLogger(name)).setLevel(null);
            }
        }
    }

    /** Claims as Fedora's provider gives them: a user name, an address and the account's groups. */
    static Map<String, Object> claims(String user, String... groups) {
        return Map.of("preferred_username", user, "email", user + "@example.org", "groups", List.of(groups));
    }

    /** An access token of the provider for this client, valid for an hour (or expired, for a negative expiry). */
    static String accessToken(String user, long expirySeconds, String... groups) {
        return provider.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID, user + "-sub",
            "JWT", List.of(CLIENT_ID), claims(user, groups), expirySeconds)).serialize();
    }

    // --- the browser login ---

    @Test
    void aBrowserLogsInThroughTheProviderAndUsesTheApiWithItsSession() throws Exception {
        Browser browser = new Browser();
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "carol-sub", "JWT", List.of(CLIENT_ID),
            claims("carol", "packager"), 3600));

        List<String> hops = browser.follow("/login?return=" + URLEncoder.encode("/api/v1/builds?state=QUEUED",
            StandardCharsets.UTF_8));

        // master /login -> provider's authorize -> master /callback -> the asked page
        assertThat(hops).hasSize(4);
        assertThat(hops.get(1)).startsWith(provider.authorizationEndpointUrl(ISSUER_ID).toString())
            .contains("client_id=" + CLIENT_ID).contains("code_challenge=").contains("code_challenge_method=S256")
            .contains("state=").contains("nonce=").contains("scope=openid");
        assertThat(hops.get(2)).startsWith(url + "/callback?code=");
        assertThat(hops.get(3)).isEqualTo(url + "/api/v1/builds?state=QUEUED");
        assertThat(browser.last.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(browser.last.body()).getJsonArray("builds")).isEmpty();
        HttpCookie session = browser.cookie(LoginFlow.SESSION_COOKIE);
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(browser.setCookieHeaders).anySatisfy(h -> assertThat(h)
            .startsWith(LoginFlow.SESSION_COOKIE + "=").containsIgnoringCase("SameSite=Lax").containsIgnoringCase("HttpOnly").doesNotContainIgnoringCase("Secure"));

        // An API write from the session needs the CSRF header...
        HttpResponse<String> noHeader = browser.send("POST", "/api/v1/builds", INI, Map.of());
        assertError(noHeader, 403, "X-XSRF-TOKEN");
        // ...whose value a page hands out in its cookie.
        assertThat(browser.send("GET", "/", null, Map.of()).statusCode()).isEqualTo(200);
        String csrf = browser.cookie(Access.CSRF_COOKIE).getValue();
        HttpResponse<String> created = browser.send("POST", "/api/v1/builds", INI,
            Map.of(Access.CSRF_FIELD, csrf, "Content-Type", "text/plain"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = new JsonObject(created.body()).getLong("id");
        assertThat(ownerOf(id)).isEqualTo("carol");
        // A stale or forged header is refused the same way.
        assertError(browser.send("POST", "/api/v1/builds", INI, Map.of(Access.CSRF_FIELD, csrf + "x")), 403,
            "CSRF");

        assertThat(logLines()).anySatisfy(line -> assertThat(line).contains("carol logged in"));
    }

    @Test
    void theReturnPathStaysOnThisMaster() throws Exception {
        for (String evil : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x")) {
            Browser browser = new Browser();
            provider.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "dave-sub", "JWT", List.of(CLIENT_ID),
                claims("dave"), 3600));
            List<String> hops = browser.follow("/login?return=" + URLEncoder.encode(evil, StandardCharsets.UTF_8));
            assertThat(hops.get(hops.size() - 1)).as(evil).isEqualTo(url + "/");
        }
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRefusedAndLogoutWithItEndsTheSession() throws Exception {
        Browser browser = loggedIn("erin");
        assertThat(browser.send("GET", "/api/v1/builds", null, Map.of()).statusCode()).isEqualTo(200);
        // Logged in, the logged-out page is the dashboard.
        HttpResponse<String> notYet = browser.send("GET", Access.LOGGED_OUT_PAGE, null, Map.of());
        assertThat(notYet.statusCode()).isEqualTo(302);
        assertThat(notYet.headers().firstValue("Location")).hasValue("/");

        HttpResponse<String> forged = browser.send("POST", "/logout", "", Map.of(
            "Content-Type", "application/x-www-form-urlencoded"));
        assertError(forged, 403, "CSRF token is missing");
        assertThat(browser.send("GET", "/api/v1/builds", null, Map.of()).statusCode()).as("still logged in")
            .isEqualTo(200);

        // The page's token, sent back in the hidden field the pages use.
        browser.send("GET", "/", null, Map.of());
        String token = browser.cookie(Access.CSRF_COOKIE).getValue();
        HttpResponse<String> out = browser.send("POST", "/logout",
            Access.CSRF_FIELD + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
            Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(out.statusCode()).isEqualTo(303);
        // A page of this master that says so, not the provider (which might log the user straight back in).
        assertThat(out.headers().firstValue("Location")).hasValue(Access.LOGGED_OUT_PAGE);
        assertError(browser.send("GET", "/api/v1/builds", null, Map.of()), 401, "log in");
        HttpResponse<String> page = browser.send("GET", Access.LOGGED_OUT_PAGE, null, Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("You are logged out", "href=\"/login\"", "not logged in")
            .doesNotContain("erin", "action=\"/logout\"");
    }

    // --- bearer tokens ---

    @Test
    void anAccessTokenOfTheProviderWorksAsBearer() throws Exception {
        String token = accessToken("frank", 3600);

        HttpResponse<String> created = bearer("POST", "/api/v1/builds", INI, token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = new JsonObject(created.body()).getLong("id");
        assertThat(ownerOf(id)).isEqualTo("frank");
        assertThat(bearer("GET", "/api/v1/builds/" + id, null, token).statusCode()).isEqualTo(200);
    }

    @Test
    void forgedExpiredAndGarbageTokensGet401() throws Exception {
        String good = accessToken("grace", 3600);
        // The same claims and key id, signed with a key the provider never had.
        SignedJWT real = SignedJWT.parse(good);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(real.getHeader().getKeyID()).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(real.getHeader().getKeyID()).type(JOSEObjectType.JWT).build(), real.getJWTClaimsSet());
        forged.sign(new RSASSASigner(stranger));
        // A well-signed token whose time is up.
        String expired = accessToken("grace", -600);
        // Signed by nobody at all.
        JWTClaimsSet claims = new JWTClaimsSet.Builder(real.getJWTClaimsSet())
            .expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
        String unsigned = new com.nimbusds.jwt.PlainJWT(claims).serialize();

        assertThat(bearer("GET", "/api/v1/builds", null, good).statusCode()).isEqualTo(200);
        // Well signed, valid, but issued to another application of the same provider.
        String elsewhere = provider.issueToken(ISSUER_ID, "other-app", new DefaultOAuth2TokenCallback(ISSUER_ID,
            "grace-sub", "JWT", List.of("other-app"), claims("grace"), 3600)).serialize();
        for (String bad : List.of(forged.serialize(), expired, unsigned, elsewhere, "garbage", "fbs_garbage",
            ApiTokens.PREFIX + "A".repeat(43))) {
            HttpResponse<String> refused = bearer("GET", "/api/v1/builds", null, bad);
            assertError(refused, 401, "token is not valid");
            assertThat(refused.headers().firstValue("WWW-Authenticate")).as(bad).get().asString()
                .startsWith("Bearer").contains("invalid_token");
        }
        assertThat(send("GET", "/api/v1/builds", null, Map.of("Authorization", "Basic dXNlcjpwYXNz"))
            .statusCode()).isEqualTo(401);
    }

    @Test
    void everyWriteAndEveryReadOfTheApiNeedsAUser() throws Exception {
        for (String[] call : new String[][] {
            {"POST", "/api/v1/builds"}, {"POST", "/api/v1/builds/1/cancel"}, {"POST", "/rest"},
            {"POST", "/api/v1/tokens"}, {"DELETE", "/api/v1/tokens/1"}, {"GET", "/api/v1/builds"},
            {"GET", "/api/v1/builds/1"}, {"GET", "/api/v1/tokens"}, {"GET", "/api/v1/workers"},
            {"GET", "/api/v1/mails"}}) {
            HttpResponse<String> answer = send(call[0], call[1], call[0].equals("GET") ? null : INI, Map.of());
            assertError(answer, 401, "log in, or send a token");
            assertThat(answer.headers().firstValue("WWW-Authenticate")).as(call[1]).hasValue("Bearer realm=\"fbs\"");
        }
        assertThat(send("GET", "/api/v1/info", null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/healthz", null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(bearer("GET", "/api/v1/builds", null, "").statusCode()).isEqualTo(401);
    }

    // --- who sees what ---

    @Test
    void usersSeeAndCancelOnlyTheirOwnBuildsAndAdminsSeeAll() throws Exception {
        String heidi = accessToken("heidi", 3600);
        String ivan = accessToken("ivan", 3600);
        String groupAdmin = accessToken("judy", 3600, "packager", "fbs-admins");
        String listedAdmin = accessToken("root-by-list", 3600);

        long heidis = new JsonObject(bearer("POST", "/api/v1/builds", INI, heidi).body()).getLong("id");
        long ivans = new JsonObject(bearer("POST", "/api/v1/builds", INI, ivan).body()).getLong("id");

        // Read by its owner first, twice, so that the master keeps its view for the next reads: another user is not
        // given the kept view either.
        assertThat(bearer("GET", "/api/v1/builds/" + heidis, null, heidi).statusCode()).isEqualTo(200);
        assertThat(bearer("GET", "/api/v1/builds/" + heidis, null, heidi).statusCode()).isEqualTo(200);
        assertError(bearer("GET", "/api/v1/builds/" + heidis, null, ivan), 404, "no such build");
        assertError(bearer("POST", "/api/v1/builds/" + heidis + "/cancel", "", ivan), 404, "no such build");
        assertThat(ids(bearer("GET", "/api/v1/builds?limit=1000", null, ivan))).contains(ivans)
            .doesNotContain(heidis).allSatisfy(id -> assertThat(ownerOf(id)).isEqualTo("ivan"));
        // Asking for another owner's builds does not help a user.
        assertThat(ids(bearer("GET", "/api/v1/builds?owner=heidi", null, ivan))).doesNotContain(heidis);

        for (String admin : List.of(groupAdmin, listedAdmin)) {
            assertThat(ids(bearer("GET", "/api/v1/builds?limit=1000", null, admin))).contains(heidis, ivans);
            assertThat(bearer("GET", "/api/v1/builds/" + heidis, null, admin).statusCode()).isEqualTo(200);
            assertThat(bearer("GET", "/api/v1/mails", null, admin).statusCode()).isEqualTo(200);
        }
        assertError(bearer("GET", "/api/v1/mails", null, heidi), 403, "only admins");

        HttpResponse<String> canceled = bearer("POST", "/api/v1/builds/" + heidis + "/cancel", "", groupAdmin);
        assertThat(canceled.statusCode()).as(canceled.body()).isIn(200, 202);
        HttpResponse<String> own = bearer("POST", "/api/v1/builds/" + ivans + "/cancel", "", ivan);
        assertThat(own.statusCode()).as(own.body()).isIn(200, 202);
    }

    @Test
    void theAdminGroupOfTheLoginMakesAnAdmin() throws Exception {
        Browser admin = loggedIn("olga", "packager", "fbs-admins");
        Browser user = loggedIn("peggy", "packager");
        long peggys = new JsonObject(bearer("POST", "/api/v1/builds", INI, accessToken("peggy", 3600)).body())
            .getLong("id");

        assertThat(admin.send("GET", "/api/v1/mails", null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(admin.send("GET", "/api/v1/builds/" + peggys, null, Map.of()).statusCode()).isEqualTo(200);
        assertError(user.send("GET", "/api/v1/mails", null, Map.of()), 403, "only admins");
        assertThat(user.send("GET", "/api/v1/builds/" + peggys, null, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void onlyTrustedOwnersMaySubmitAKickstartWhereNoWorkerIsolatesIt() throws Exception {
        // No worker at all here, so none isolates: a kickstart runs only for admins and the trusted group.
        String live = new JsonObject().put("type", "live").put("arch", "x86_64").put("release", "41")
            .put("live", new JsonObject().put("config", "evil.ks")
                .put("kickstart", "url --url=https://example.org/os/\n%pre\ncat /etc/shadow\n%end\n")).encode();

        HttpResponse<String> refused = bearer("POST", "/api/v1/builds", live, accessToken("mallory", 3600, "packager"));

        assertError(refused, 403, "no online worker for x86_64/41 isolates live builds, and your live kickstart would"
            + " run as root on the worker: only admins and members of master.auth.trusted-group may run it there. An"
            + " operator can add you to that group, or run a worker with worker.isolation: virt (it isolates"
            + " livemedia-creator live builds)");
        for (String token : List.of(accessToken("pat", 3600, "fbs-packagers"), accessToken("olga", 3600, "fbs-admins"),
            accessToken("root-by-list", 3600))) {
            HttpResponse<String> created = bearer("POST", "/api/v1/builds", live, token);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(new JsonObject(created.body()).getBoolean("isolate")).isFalse();
        }
        // A boot build runs none of its owner's code.
        assertThat(bearer("POST", "/api/v1/builds", INI, accessToken("mallory", 3600)).statusCode()).isEqualTo(201);
    }

    // --- personal API tokens ---

    @Test
    void anApiTokenIsShownOnceWorksUntilRevokedAndIsStoredOnlyHashed() throws Exception {
        String mallory = accessToken("mallory", 3600);
        String kim = accessToken("kim", 3600);

        HttpResponse<String> made = bearer("POST", "/api/v1/tokens", "{\"name\": \"laptop\"}", kim);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        JsonObject created = new JsonObject(made.body());
        String token = created.getString("token");
        long id = created.getLong("id");
        assertThat(token).startsWith("fbs_").hasSize(4 + 43);
        assertThat(created.getString("name")).isEqualTo("laptop");
        assertThat(created.getString("created")).isNotBlank();

        // It acts as kim.
        HttpResponse<String> submitted = bearer("POST", "/api/v1/builds", INI, token);
        assertThat(submitted.statusCode()).isEqualTo(201);
        assertThat(ownerOf(new JsonObject(submitted.body()).getLong("id"))).isEqualTo("kim");

        // Listed with when it was last used, never with the token.
        HttpResponse<String> listed = bearer("GET", "/api/v1/tokens", null, token);
        JsonObject entry = new JsonObject(listed.body()).getJsonArray("tokens").getJsonObject(0);
        assertThat(entry.getLong("id")).isEqualTo(id);
        assertThat(entry.getString("lastUsed")).isNotNull();
        assertThat(listed.body()).doesNotContain(token).doesNotContain(ApiTokens.hash(token));
        assertThat(new JsonObject(bearer("GET", "/api/v1/tokens", null, mallory).body()).getJsonArray("tokens"))
            .isEmpty();

        // Nobody else can revoke it, nor learn that it exists.
        assertError(bearer("DELETE", "/api/v1/tokens/" + id, null, mallory), 404, "no such token");
        assertThat(bearer("GET", "/api/v1/builds", null, token).statusCode()).isEqualTo(200);

        // The store holds the hash, not the token.
        for (Path file : storeFiles()) {
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                .doesNotContain(token).doesNotContain(token.substring(4));
        }
        assertThat(storeFiles().stream().map(LoginAndAccessTest::read)
            .anyMatch(text -> text.contains(ApiTokens.hash(token)))).as("the hash is what is stored").isTrue();

        assertThat(bearer("DELETE", "/api/v1/tokens/" + id, null, token).statusCode()).isEqualTo(204);
        assertError(bearer("GET", "/api/v1/builds", null, token), 401, "token is not valid");
        assertError(bearer("DELETE", "/api/v1/tokens/" + id, null, kim), 404, "no such token");
    }

    @Test
    void aTokenNeedsAName() throws Exception {
        String kim = accessToken("kim2", 3600);
        for (String body : List.of("{}", "{\"name\": \"  \"}", "{\"name\": 5}", "[1]", "not json",
            "{\"name\": \"" + "x".repeat(101) + "\"}")) {
            HttpResponse<String> refused = bearer("POST", "/api/v1/tokens", body, kim);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(new JsonObject(refused.body()).getJsonArray("errors").getString(0)).as(body)
                .matches("(name|body): .*");
        }
        assertThat(new JsonObject(bearer("GET", "/api/v1/tokens", null, kim).body()).getJsonArray("tokens"))
            .isEmpty();
    }

    @Test
    void pagesBehindRequireLoginSendStrangersToTheLoginWithSecureCookiesWhenAsked() throws Exception {
        MasterSettings settings = MasterSettingsBuilder.master(data.resolve("pages"))
            .publicUrl("https://fbs.example.org")
            .oidc(new JsonObject().put("issuer", provider.issuerUrl(ISSUER_ID).toString())
                .put("client-id", CLIENT_ID).put("client-secret", CLIENT_SECRET)).build();
        Access access = await(Access.create(vertx, settings, null));
        assertThat(access.localMode()).isFalse();
        Router router = Router.router(vertx);
        access.install(router);
        router.get("/mine").handler(access.requireLogin()).handler(ctx -> ctx.end("mine"));
        router.post("/mine").handler(access.requireLogin()).handler(ctx -> ctx.end("posted"));
        var server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.actualPort();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/mine?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(302);
            assertThat(page.headers().firstValue("Location")).hasValue("/login?return=%2Fmine%3Fx%3D1");
            // Behind https (the public URL says so) both cookies are Secure.
            assertThat(page.headers().allValues("set-cookie"))
                .anySatisfy(c -> assertThat(c).startsWith(LoginFlow.SESSION_COOKIE + "=").containsIgnoringCase("; Secure"))
                .anySatisfy(c -> assertThat(c).startsWith(Access.CSRF_COOKIE + "=").containsIgnoringCase("; Secure"));
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/mine"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("a form post without CSRF token or login").isIn(401, 403);
        } finally {
            await(server.close());
        }
    }

    @Test
    void withLoginTheMasterMayListenBeyondLoopbackButNotWithoutItsProvider() throws Exception {
        Vertx other = Vertx.vertx();
        try {
            JsonObject oidc = new JsonObject().put("issuer", provider.issuerUrl(ISSUER_ID).toString())
                .put("client-id", CLIENT_ID).put("client-secret", CLIENT_SECRET);
            MasterSettings open = MasterSettingsBuilder.master(data.resolve("open")).httpHost("0.0.0.0").httpPort(0)
                .oidc(oidc).build();
            assertThat(await(MasterRole.deploy(other, open))).isNotBlank();

            // A provider that does not answer: the master does not start half-configured.
            int dead = freePort();
            MasterSettings lost = MasterSettingsBuilder.master(data.resolve("lost")).httpPort(0)
                .oidc(oidc.copy().put("issuer", "http://127.0.0.1:" + dead + "/fedora")).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(MasterRole.deploy(other, lost)))
                .hasMessageContaining("master.auth.oidc.issuer: the provider at http://127.0.0.1:" + dead
                    + "/fedora did not answer");
        } finally {
            await(other.close());
        }
    }

    @Test
    void theClientSecretIsNeverLogged() throws Exception {
        // A full login and token checks first, so that the log has the token exchanges in it.
        loggedIn("nina");
        bearer("GET", "/api/v1/builds", null, "garbage");
        bearer("GET", "/api/v1/builds", null, accessToken("nina", -60));

        List<String> lines = logLines();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("login with OpenID Connect at"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("nina logged in"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains(CLIENT_SECRET));
    }

    // --- helpers ---

    /** A browser that has logged in as {@code user}, a member of {@code groups}. */
    static Browser loggedIn(String user, String... groups) throws Exception {
        Browser browser = new Browser();
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, user + "-sub", "JWT", List.of(CLIENT_ID),
            claims(user, groups), 3600));
        browser.follow("/login");
        assertThat(browser.last.statusCode()).isEqualTo(200);
        return browser;
    }

    static List<String> logLines() {
        synchronized (logs) {
            return new ArrayList<>(logs.list).stream()
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .toList();
        }
    }

    static List<Path> storeFiles() throws Exception {
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(f -> f.getFileName().toString().startsWith("fbs.db")).toList();
        }
    }

    static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String ownerOf(long id) throws Exception {
        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("fbs.db"));
             var ps = db.prepareStatement("SELECT owner FROM builds WHERE id = ?")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static List<Long> ids(HttpResponse<String> list) {
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        return new JsonObject(list.body()).getJsonArray("builds").stream()
            .map(b -> ((JsonObject) b).getLong("id")).toList();
    }

    static HttpResponse<String> bearer(String method, String path, String body, String token) throws Exception {
        return send(method, path, body, Map.of("Authorization", "Bearer " + token));
    }

    static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
        throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(new JsonObject(response.body()).getString("error")).contains(message);
    }

    /** A cookie-keeping client that follows redirects itself, so that each hop can be checked. */
    static final class Browser {
        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).build();
        final List<String> setCookieHeaders = new ArrayList<>();
        HttpResponse<String> last;

        /** GETs {@code path} and each Location after it; the URLs visited, first to last. */
        List<String> follow(String path) throws Exception {
            List<String> hops = new ArrayList<>();
            URI next = URI.create(url + path);
            while (next != null) {
                assertThat(hops).as("redirect loop").hasSizeLessThan(10);
                hops.add(next.toString());
                last = http.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
                setCookieHeaders.addAll(last.headers().allValues("set-cookie"));
                String location = last.statusCode() / 100 == 3 ? last.headers().firstValue("Location").orElse(null)
                    : null;
                next = location == null ? null : next.resolve(location);
            }
            return hops;
        }

        HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            last = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            setCookieHeaders.addAll(last.headers().allValues("set-cookie"));
            return last;
        }

        HttpCookie cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .findFirst().orElse(null);
        }
    }
}
