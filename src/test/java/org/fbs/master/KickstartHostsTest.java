package org.fbs.master;

import static org.fbs.testkit.Waits.await;
import org.fbs.kickstart.KickstartFetcher;
import org.fbs.net.InternalAddresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.fbs.config.FbsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kickstart URL must not make the master reach into its own network: internal addresses are refused after DNS,
 * on every redirect, unless master.kickstart.allowed-hosts lists them. Against a real local HTTP server.
 */
class KickstartHostsTest {

    static final String KS = "lang en_US.UTF-8\n%packages\n@core\n%end\n";

    @TempDir
    Path data;
    Vertx vertx;
    KickstartServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = new KickstartServer(request -> {
            switch (request.path()) {
                case "/live.ks" -> request.response().end(KS);
                case "/to-loopback" -> request.response().setStatusCode(302)
                    .putHeader("Location", server.url("/live.ks")).end();
                case "/2KiB" -> request.response().end("#".repeat(2048));
                default -> request.response().setStatusCode(404).end();
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        await(vertx.close());
    }

    KickstartFetcher fetcher(JsonObject master) {
        return new KickstartFetcher(vertx, Duration.ofSeconds(20),
            KickstartFetcher.Policy.of(FbsConfig.from(new JsonObject().put("master", master)).master().limits()));
    }

    static String failure(KickstartFetcher fetcher, String url) throws Exception {
        try {
            await(fetcher.fetch(url));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(KickstartFetcher.FetchException.class);
            return e.getCause().getMessage();
        }
        throw new AssertionError("fetched " + url);
    }

    @Test
    void internalAddressesAreRefusedByDefaultWithoutConnecting() throws Exception {
        KickstartFetcher strict = fetcher(new JsonObject());
        int port = Integer.parseInt(server.url("").replaceAll(".*:", ""));
        List<String> refused = List.of(
            "http://127.0.0.1:" + port + "/live.ks",
            "http://localhost:" + port + "/live.ks",
            "http://[::1]:" + port + "/live.ks",
            "http://[::ffff:127.0.0.1]:" + port + "/live.ks",
            "http://[::127.0.0.1]:" + port + "/live.ks",
            "http://2130706433:" + port + "/live.ks",
            "http://0.0.0.0:" + port + "/live.ks",
            "http://10.1.2.3/ks",
            "http://172.16.0.1/ks",
            "http://192.168.1.1/ks",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/ks",
            "http://[fd00::1]/ks",
            "http://224.0.0.1/ks",
            "http://100.64.0.1/ks",
            "https://255.255.255.255/ks");
        for (String url : refused) {
            assertThat(failure(strict, url)).as(url).startsWith("will not fetch ").contains(" address (an operator "
                + "may allow it in master.kickstart.allowed-hosts)");
        }
        assertThat(failure(strict, "http://127.0.0.1:" + port + "/live.ks"))
            .isEqualTo("will not fetch http://127.0.0.1:" + port + "/live.ks: 127.0.0.1 is a loopback address "
                + "(an operator may allow it in master.kickstart.allowed-hosts)");
        assertThat(failure(strict, "http://localhost:" + port + "/live.ks")).contains("localhost is 127.0.0.1, a "
            + "loopback address");
        assertThat(failure(strict, "http://169.254.169.254/latest/meta-data/")).contains("a link-local address");
        assertThat(failure(strict, "http://10.1.2.3/ks")).contains("a private address");
        assertThat(server.asked).isEmpty();
    }

    @Test
    void listedHostsAndRangesAreFetchedAndARedirectIsCheckedAgain() throws Exception {
        String byName = server.url("/live.ks").replace("127.0.0.1", "localhost");
        assertThat(await(fetcher(allowed("localhost")).fetch(byName))).isEqualTo(KS);
        assertThat(await(fetcher(allowed("127.0.0.0/8")).fetch(server.url("/live.ks")))).isEqualTo(KS);
        assertThat(await(fetcher(allowed("127.0.0.1")).fetch(server.url("/live.ks")))).isEqualTo(KS);

        // localhost is listed by name; the redirect goes to 127.0.0.1, which is not.
        String redirect = server.url("/to-loopback").replace("127.0.0.1", "localhost");
        assertThat(failure(fetcher(allowed("localhost")), redirect)).startsWith("will not fetch "
            + server.url("/live.ks") + ": 127.0.0.1 is a loopback address");
        assertThat(server.asked).containsExactly("/live.ks", "/live.ks", "/live.ks", "/to-loopback");
    }

    @Test
    void publicAddressesPassAndBadAllowListsAreConfigErrors() throws Exception {
        for (String address : List.of("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64.233.160.0")) {
            assertThat(InternalAddresses.kind(InetAddress.getByName(address))).as(address).isNull();
        }
        assertThat(InternalAddresses.kind(InetAddress.getByName("64:ff9b::a00:1"))).isEqualTo("a private");
        assertThatThrownBy(() -> allowedLimits("10.0.0.0/33"))
            .hasMessage("master.kickstart.allowed-hosts: '10.0.0.0/33' has a bad prefix length");
        assertThatThrownBy(() -> allowedLimits("http://x/"))
            .hasMessage("master.kickstart.allowed-hosts: 'http://x/' is neither a host name, an IP address nor a "
                + "CIDR range");
    }

    @Test
    void theKickstartSizeLimitIsConfigurable() throws Exception {
        JsonObject small = allowed("127.0.0.1").put("max-kickstart-size", "1KiB");
        assertThat(failure(fetcher(small), server.url("/2KiB"))).isEqualTo(server.url("/2KiB") + " is larger than 1 KiB");
        assertThatThrownBy(() -> FbsConfig.from(new JsonObject().put("master",
            new JsonObject().put("max-kickstart-size", "2MiB"))))
            .hasMessage("master.max-kickstart-size: must be between 1 byte and 1MiB (the spec format's limit)");
    }

    @Test
    void throughTheApiARefusedUrlIs400NamingTheKeyAndNothingIsStored() throws Exception {
        try (MasterTestBed master = new MasterTestBed(data)) {
            String spec = "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n[live]\nconfig=" + server.url("/live.ks")
                + "\n";
            HttpResponse<String> refused = master.post("text/plain", spec);

            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(refused.body()).getJsonArray("errors")).containsExactly("[live] config: will "
                + "not fetch " + server.url("/live.ks") + ": 127.0.0.1 is a loopback address (an operator may allow "
                + "it in master.kickstart.allowed-hosts)");
            assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();
            assertThat(server.asked).isEmpty();
        }
    }

    static JsonObject allowed(String... hosts) {
        return new JsonObject().put("kickstart", new JsonObject().put("allowed-hosts", new JsonArray(List.of(hosts))));
    }

    static Object allowedLimits(String host) {
        return FbsConfig.from(new JsonObject().put("master", allowed(host))).master().limits();
    }
}
