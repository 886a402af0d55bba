package org.fbs.auth;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import kotlin.jvm.functions.Function1;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequestHandler;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.fbs.config.MasterSettings;
import org.fbs.master.MasterRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login against an OpenID Connect provider that is stricter than Fedora's (issue 17): it refuses an authorization
 * request without a {@code nonce} (as glewlwyd does for the code flow), sends no {@code preferred_username}, and
 * puts the groups in a claim of another name. It is mock-oauth2-server with a route in front of its own that does
 * what such a provider does; the route can also make it refuse the code exchange or ignore the nonce.
 */
class StrictProviderLoginTest {

    static final String ISSUER_ID = "strict";
    static final String CLIENT_ID = "fbs-strict";
    static final String CLIENT_SECRET = "s3cret-" + UUID.randomUUID();
    static final String INI = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file:///srv/fbs\n";

    @TempDir
    static Path data;
    static Strictness strictness = new Strictness();
    static MockOAuth2Server provider;
    static Vertx vertx;
    static String url;

    /** What the provider does besides requiring a nonce; reset after each test. */
    static final class Strictness implements Route {
        volatile String refuseExchange;
        /** A second provider with the same keys that never saw the nonce: it issues ID tokens without one. */
        volatile OAuth2HttpRequestHandler forgetful;

        @Override
        public boolean match(OAuth2HttpRequest request) {
            String path = request.getUrl().encodedPath();
            return path.endsWith("/authorize") || path.endsWith("/token") && request.getMethod().equals("POST");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            HttpUrl at = request.getUrl();
            if (at.encodedPath().endsWith("/authorize")) {
                if (at.queryParameter("nonce") == null) {
                    // OIDC Core 3.1.2.6: the error goes back to the client's redirect URI.
                    return redirect(HttpUrl.parse(at.queryParameter("redirect_uri")).newBuilder()
                        .addQueryParameter("error", "invalid_request")
                        .addQueryParameter("error_description", "nonce required")
                        .addQueryParameter("state", at.queryParameter("state")).build());
                }
                if (forgetful != null) {
                    OAuth2HttpRequest without = new OAuth2HttpRequest(request.getHeaders(), request.getMethod(),
                        at.newBuilder().removeAllQueryParameters("nonce").build(), request.getBody());
                    return forgetful.getAuthorizationServer().invoke(without);
                }
                return null;
            }
            if (refuseExchange != null) {
                return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 400,
                    new JsonObject().put("error", "invalid_grant").put("error_description", refuseExchange).encode(),
                    null);
            }
            if (forgetful != null) {
                return forgetful.getAuthorizationServer().invoke(request);
            }
            return null;
        }

        private static OAuth2HttpResponse redirect(HttpUrl to) {
            return new OAuth2HttpResponse(Headers.of("Location", to.toString()), 302, "", null);
        }
    }

    /** Passes what the strict route leaves (null) to the provider's own routes. */
    static final class Passing implements Route {
        private final Strictness strict;
        private final Function1<OAuth2HttpRequest, OAuth2HttpResponse> own;

        Passing(Strictness strict, Function1<OAuth2HttpRequest, OAuth2HttpResponse> own) {
            this.strict = strict;
            this.own = own;
        }

        @Override
        public boolean match(OAuth2HttpRequest request) {
            return strict.match(request);
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            OAuth2HttpResponse answer = strict.invoke(request);
            return answer != null ? answer : own.invoke(request);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        OAuth2Config config = new OAuth2Config();
        OAuth2HttpRequestHandler own = new OAuth2HttpRequestHandler(config);
        ownHandler = own;
        provider = new MockOAuth2Server(config, new Passing(strictness, own.getAuthorizationServer()));
        provider.start();
        int port = freePort();
        url = "http://127.0.0.1:" + port;
        MasterSettings settings = MasterSettingsBuilder.master(data).httpPort(port)
            .auth(new JsonObject()
                .put("oidc", new JsonObject()
                    .put("issuer", provider.issuerUrl(ISSUER_ID).toString())
                    .put("client-id", CLIENT_ID)
                    .put("client-secret", CLIENT_SECRET)
                    .put("username-claims", new JsonArray().add("preferred_username").add("nickname").add("email")
                        .add("sub"))
                    .put("groups-claim", "roles"))
                .put("admin-group", "fbs-admins")
                .put("admins", new JsonArray().add("alice"))).build();
        vertx = Vertx.vertx();
        await(MasterRole.deploy(vertx, settings));
    }

    /** The provider's own handler, whose token callbacks the strict route's logins use. */
    static OAuth2HttpRequestHandler ownHandler;

    @AfterEach
    void relax() {
        strictness.refuseExchange = null;
        strictness.forgetful = null;
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    static void nextLogin(String subject, Map<String, Object> claims) {
        ownHandler.enqueueTokenCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(CLIENT_ID),
            claims, 3600));
    }

    @Test
    void theProviderRefusesAnAuthorizationRequestWithoutNonce() throws Exception {
        String redirect = url + "/callback";
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            provider.authorizationEndpointUrl(ISSUER_ID) + "?client_id=" + CLIENT_ID + "&response_type=code"
                + "&scope=openid&state=s1&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location")).get().asString()
            .startsWith(redirect + "?error=invalid_request&error_description=nonce%20required");
    }

    @Test
    void aUserWithoutPreferredUsernameIsNamedByTheConfiguredClaimsAndAdminsStillMatchByName() throws Exception {
        nextLogin("7f3c9e1a-opaque", Map.of("nickname", "alice", "email", "alice@example.org"));
        Browser alice = new Browser();
        List<String> hops = alice.follow("/login?return=/api/v1/mails");
        assertThat(hops.get(1)).contains("nonce=");
        assertThat(alice.last.statusCode()).as(alice.last.body()).isEqualTo(200); // admins: [alice]

        nextLogin("0b1d-opaque", Map.of("email", "bob@example.org", "roles", List.of("packager", "fbs-admins")));
        Browser bob = new Browser();
        bob.follow("/login?return=/api/v1/mails");
        assertThat(bob.last.statusCode()).as("the roles claim holds the admin group").isEqualTo(200);

        nextLogin("c4a2-opaque", Map.of("email", "carl@example.org", "groups", List.of("fbs-admins")));
        Browser carl = new Browser();
        carl.follow("/login?return=/api/v1/mails");
        assertThat(carl.last.statusCode()).as("groups is not the configured claim").isEqualTo(403);

        // Each is named by the first claim present: nickname, then email.
        String csrf = carl.csrf();
        HttpResponse<String> made = carl.send("POST", "/api/v1/builds", INI,
            Map.of(Access.CSRF_FIELD, csrf, "Content-Type", "text/plain"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        assertThat(new JsonObject(made.body()).getString("owner")).isEqualTo("carl@example.org");
    }

    @Test
    void theProvidersRefusalInTheCallbackIsA4xxPageThatSaysWhatItSaidEscaped() throws Exception {
        Browser browser = new Browser();
        browser.follow("/login");
        HttpResponse<String> denied = browser.send("GET", "/callback?error=access_denied&error_description="
            + URLEncoder.encode("<script>alert(1)</script> the user said no", StandardCharsets.UTF_8), null, Map.of());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("content-type")).get().asString().startsWith("text/html");
        assertThat(denied.body()).contains("the provider refused the login: access_denied")
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; the user said no").doesNotContain("<script>");
    }

    @Test
    void aCallbackWhoseStateIsNotThisBrowsersIsRefused() throws Exception {
        Browser browser = new Browser();
        browser.follow("/login");
        HttpResponse<String> forged = browser.send("GET", "/callback?code=abc&state=not-mine", null, Map.of());
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("state does not match");
        HttpResponse<String> noSession = new Browser().send("GET", "/callback?code=abc&state=x", null, Map.of());
        assertThat(noSession.statusCode()).isEqualTo(400);
        assertThat(new Browser().send("GET", "/api/v1/builds", null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void aRefusedCodeExchangeIsA400PageWithTheProvidersWords() throws Exception {
        strictness.refuseExchange = "code <expired> & gone";
        nextLogin("exchange-sub", Map.of("nickname", "dora"));
        Browser browser = new Browser();
        browser.follow("/login");
        assertThat(browser.last.statusCode()).isEqualTo(400);
        assertThat(browser.last.body()).contains("the provider did not accept the login code")
            .contains("code &lt;expired&gt; &amp; gone").doesNotContain("<expired>");
        assertThat(browser.send("GET", "/api/v1/builds", null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void anIdTokenWithoutThisLoginsNonceIsRefused() throws Exception {
        OAuth2HttpRequestHandler forgetful = new OAuth2HttpRequestHandler(provider.getConfig());
        forgetful.enqueueTokenCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "replay-sub", "JWT",
            List.of(CLIENT_ID), Map.of("nickname", "eve"), 3600));
        strictness.forgetful = forgetful;
        Browser browser = new Browser();
        browser.follow("/login");
        assertThat(browser.last.statusCode()).isEqualTo(400);
        assertThat(browser.last.body()).contains("the ID token does not carry this login&#39;s nonce");
        assertThat(browser.send("GET", "/api/v1/builds", null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void anAccessTokenWithoutOurAudienceIsRefused() throws Exception {
        SignedJWT noAudience = provider.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID,
            "aud-sub", "JWT", List.of(), Map.of("nickname", "frank"), 3600));
        assertThat(noAudience.getJWTClaimsSet().getAudience()).as("the attack: a token without aud").isEmpty();
        SignedJWT ours = provider.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID,
            "aud-sub", "JWT", List.of(CLIENT_ID), Map.of("nickname", "frank"), 3600));
        assertThat(bearer("GET", "/api/v1/builds", ours.serialize()).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = bearer("GET", "/api/v1/builds", noAudience.serialize());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("token is not valid");
    }

    @Test
    void identityIsTheIssuerAndSubjectNotTheName() throws Exception {
        String original = token("sub-gina", Map.of("nickname", "gina"));
        long ginas = new JsonObject(bearer("POST", "/api/v1/builds", original, INI).body()).getLong("id");

        // Someone else who now calls themselves gina does not get her builds, and is told apart.
        String impostor = token("sub-other", Map.of("nickname", "gina"));
        assertThat(bearer("GET", "/api/v1/builds/" + ginas, impostor).statusCode()).isEqualTo(404);
        HttpResponse<String> theirs = bearer("POST", "/api/v1/builds", impostor, INI);
        assertThat(new JsonObject(theirs.body()).getString("owner")).startsWith("gina~").isNotEqualTo("gina");

        // Gina renamed keeps her builds.
        String renamed = token("sub-gina", Map.of("nickname", "gina-renamed"));
        assertThat(bearer("GET", "/api/v1/builds/" + ginas, renamed).statusCode()).isEqualTo(200);
    }

    // --- helpers ---

    static String token(String subject, Map<String, Object> claims) {
        return provider.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT",
            List.of(CLIENT_ID), claims, 3600)).serialize();
    }

    static HttpResponse<String> bearer(String method, String path, String token) throws Exception {
        return bearer(method, path, token, null);
    }

    static HttpResponse<String> bearer(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + token);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A cookie-keeping client that follows redirects itself. */
    static final class Browser {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> last;

        List<String> follow(String path) throws Exception {
            List<String> hops = new ArrayList<>();
            URI next = URI.create(url + path);
            while (next != null) {
                assertThat(hops).as("redirect loop").hasSizeLessThan(10);
                hops.add(next.toString());
                last = http.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
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
            return last;
        }

        String csrf() throws Exception {
            send("GET", "/", null, Map.of());
            return ((CookieManager) http.cookieHandler().orElseThrow()).getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(Access.CSRF_COOKIE)).findFirst().orElseThrow().getValue();
        }
    }
}
