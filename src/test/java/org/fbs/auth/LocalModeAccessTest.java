package org.fbs.auth;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.fbs.config.MasterSettings;
import org.fbs.master.MasterRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A master without login: one local admin on loopback, whom no other web site may use. */
class LocalModeAccessTest {

    static final String INI = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file:///srv/fbs\n";

    @TempDir
    Path data;
    Vertx vertx;
    MasterSettings settings;
    String url;
    final CookieManager cookies = new CookieManager();
    final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();

    @BeforeEach
    void start() throws Exception {
        int port = freePort();
        settings = MasterSettingsBuilder.master(data).httpPort(port).build();
        vertx = Vertx.vertx();
        await(MasterRole.deploy(vertx, settings));
        url = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
        throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).method(method,
            body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRequestIsTheLocalAdminsWithoutAnyToken() throws Exception {
        assertThat(await(Access.create(vertx, settings, null)).localMode()).isTrue();

        HttpResponse<String> created = send("POST", "/api/v1/builds", INI, Map.of("Content-Type", "text/plain"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(send("GET", "/api/v1/builds", null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/mails", null, Map.of()).statusCode()).as("the local user is an admin")
            .isEqualTo(200);
        // The same page origin (what the master's own pages send) is fine.
        assertThat(send("POST", "/api/v1/builds", INI, Map.of("Origin", url, "Sec-Fetch-Site", "same-origin"))
            .statusCode()).isEqualTo(201);
    }

    @Test
    void aWriteSentFromAnotherWebSiteIsRefused() throws Exception {
        HttpResponse<String> fromOrigin = send("POST", "/api/v1/builds", INI, Map.of("Origin", "http://evil.example"));
        HttpResponse<String> fromFetch = send("POST", "/rest", INI, Map.of("Sec-Fetch-Site", "cross-site"));

        for (HttpResponse<String> refused : java.util.List.of(fromOrigin, fromFetch)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(refused.body()).getString("error")).contains("another web site");
        }
        JsonObject list = new JsonObject(send("GET", "/api/v1/builds", null, Map.of()).body());
        assertThat(list.getJsonArray("builds")).as("nothing was stored").isEmpty();
    }

    @Test
    void aRequestThatNamesAnotherHostIsRefusedSoDnsRebindingGetsNothing() throws Exception {
        int port = URI.create(url).getPort();
        send("POST", "/api/v1/builds", INI, Map.of("Content-Type", "text/plain"));
        // The attack: a page of rebind.attacker.example, whose name now resolves to 127.0.0.1, reads and writes
        // "same-origin" (its Origin equals its Host, so the Origin check alone lets it through).
        String attacker = "rebind.attacker.example:" + port;
        String read = raw("GET /api/v1/builds HTTP/1.1\r\nHost: " + attacker + "\r\nConnection: close\r\n\r\n");
        assertThat(read).startsWith("HTTP/1.1 421").contains("rebind.attacker.example").doesNotContain("\"id\"");
        String write = raw("POST /api/v1/builds HTTP/1.1\r\nHost: " + attacker + "\r\nOrigin: http://" + attacker
            + "\r\nContent-Type: text/plain\r\nContent-Length: " + INI.length() + "\r\nConnection: close\r\n\r\n"
            + INI);
        assertThat(write).startsWith("HTTP/1.1 421");
        assertThat(new JsonObject(send("GET", "/api/v1/builds", null, Map.of()).body()).getJsonArray("builds"))
            .as("only the build sent from loopback").hasSize(1);
        for (String evil : java.util.List.of("127.0.0.1.nip.io:" + port, "localhost.attacker.example", "0x7f000001",
            "127.0.0.1@evil:" + port)) {
            assertThat(raw("GET /api/v1/builds HTTP/1.1\r\nHost: " + evil + "\r\nConnection: close\r\n\r\n"))
                .as(evil).startsWith("HTTP/1.1 4");
        }
        // The names of this machine's loopback are fine, with or without a port.
        for (String good : java.util.List.of("127.0.0.1:" + port, "localhost:" + port, "localhost", "[::1]:" + port,
            "LOCALHOST.:" + port, "fbs.localhost:" + port)) {
            assertThat(raw("GET /api/v1/builds HTTP/1.1\r\nHost: " + good + "\r\nConnection: close\r\n\r\n"))
                .as(good).startsWith("HTTP/1.1 200");
        }
    }

    /** A request as written, for the Host header that Java's HttpClient will not let a caller set. */
    String raw(String request) throws Exception {
        URI at = URI.create(url);
        try (java.net.Socket socket = new java.net.Socket(at.getHost(), at.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void formPostsNeedTheCsrfTokenOfAPage() throws Exception {
        HttpResponse<String> forged = send("POST", "/logout", "", Map.of(
            "Content-Type", "application/x-www-form-urlencoded"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(forged.body()).getString("error")).contains("CSRF token");

        assertThat(send("GET", "/", null, Map.of()).statusCode()).isEqualTo(200);
        HttpCookie token = cookies.getCookieStore().getCookies().stream()
            .filter(c -> c.getName().equals(Access.CSRF_COOKIE)).findFirst().orElseThrow();
        HttpResponse<String> posted = send("POST", "/logout",
            Access.CSRF_FIELD + "=" + URLEncoder.encode(token.getValue(), StandardCharsets.UTF_8),
            Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(posted.statusCode()).isEqualTo(303);
    }

    @Test
    void loginLeadsStraightBackToALocalPage() throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        HttpResponse<String> login = plain.send(HttpRequest.newBuilder(URI.create(url + "/login?return=%2Fbuilds%2F3"))
            .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> away = plain.send(HttpRequest.newBuilder(URI.create(url
            + "/login?return=%2F%2Fevil.example")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValue("/builds/3");
        assertThat(away.headers().firstValue("Location")).hasValue("/");
    }
}
