package org.fbs.master;

import static org.fbs.testkit.Waits.await;
import org.fbs.kickstart.KickstartFetcher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import io.vertx.core.json.JsonObject;
import org.fbs.config.FbsConfig;
import org.fbs.spec.Kickstart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The master's kickstart download against a real local HTTP server. */
class KickstartFetcherTest {

    static final String KS = "lang en_US.UTF-8\n%packages\n@core\n%end\n";

    /** The master's policy with the test server's loopback address listed in master.kickstart.allowed-hosts. */
    static final KickstartFetcher.Policy LOOPBACK_ALLOWED = KickstartFetcher.Policy.of(FbsConfig.from(new JsonObject()
        .put("master", new JsonObject().put("kickstart", new JsonObject().put("allowed-hosts", "127.0.0.1"))))
        .master().limits());

    Vertx vertx;
    KickstartServer server;
    KickstartFetcher fetcher;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // Generous: a loaded CI machine is slow to make the first connection.
        fetcher = new KickstartFetcher(vertx, Duration.ofSeconds(20), LOOPBACK_ALLOWED);
        server = new KickstartServer(KickstartFetcherTest::serve);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        await(vertx.close());
    }

    private static void serve(HttpServerRequest request) {
        switch (request.path()) {
            case "/live.ks" -> request.response().end(KS);
            case "/moved" -> request.response().setStatusCode(302).putHeader("Location", "/live.ks").end();
            case "/to-file" -> request.response().setStatusCode(301).putHeader("Location", "file:///etc/passwd").end();
            case "/loop" -> request.response().setStatusCode(302).putHeader("Location", "/loop").end();
            case "/big" -> request.response().end("#".repeat(Kickstart.MAX_BYTES + 1));
            case "/big-chunked" -> {
                // No Content-Length: the limit must hold while reading.
                request.response().setChunked(true);
                Buffer chunk = Buffer.buffer("#".repeat(64 * 1024));
                for (int i = 0; i < 20; i++) {
                    request.response().write(chunk);
                }
                request.response().end();
            }
            case "/exactly-1MiB" -> request.response().end("#".repeat(Kickstart.MAX_BYTES - 1) + "\n");
            case "/binary" -> request.response().end(Buffer.buffer(new byte[] {'a', 0, 'b'}));
            case "/empty" -> request.response().end("  \n");
            case "/silent" -> { } // never answers
            default -> request.response().setStatusCode(404).end("no");
        }
    }

    private String fetch(String url) throws Exception {
        return await(fetcher.fetch(url));
    }

    private String failure(String url) throws Exception {
        return failure(fetcher, url);
    }

    private static String failure(KickstartFetcher fetcher, String url) throws Exception {
        Future<String> result = fetcher.fetch(url);
        try {
            await(result);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(KickstartFetcher.FetchException.class);
            return e.getCause().getMessage();
        }
        throw new AssertionError("fetched " + url);
    }

    @Test
    void fetchesTheTextAndFollowsAnHttpRedirect() throws Exception {
        assertThat(fetch(server.url("/live.ks"))).isEqualTo(KS);
        assertThat(fetch(server.url("/moved"))).isEqualTo(KS);
        assertThat(server.asked).containsExactly("/live.ks", "/moved", "/live.ks");
    }

    @Test
    void theSizeLimitHoldsWithAndWithoutContentLength() throws Exception {
        assertThat(fetch(server.url("/exactly-1MiB"))).hasSize(Kickstart.MAX_BYTES);
        assertThat(failure(server.url("/big"))).isEqualTo(server.url("/big") + " is larger than 1 MiB");
        assertThat(failure(server.url("/big-chunked"))).isEqualTo(server.url("/big-chunked") + " is larger than 1 MiB");
    }

    @Test
    void neverFollowsToFileOrAnyOtherScheme() throws Exception {
        assertThat(failure(server.url("/to-file"))).isEqualTo("not an http or https URL: file:///etc/passwd");
        assertThat(failure("file:///etc/passwd")).isEqualTo("not an http or https URL: file:///etc/passwd");
        assertThat(failure("/etc/passwd")).isEqualTo("not an http or https URL: /etc/passwd");
        assertThat(failure("ftp://127.0.0.1/ks")).isEqualTo("not an http or https URL: ftp://127.0.0.1/ks");
    }

    @Test
    void errorsSayWhy() throws Exception {
        assertThat(failure(server.url("/nope"))).isEqualTo("could not fetch " + server.url("/nope") + ": HTTP 404");
        assertThat(failure(server.url("/loop"))).isEqualTo("more than 3 redirects from " + server.url("/loop"));
        assertThat(failure(server.url("/binary"))).isEqualTo(server.url("/binary") + " is not a text file");
        assertThat(failure(server.url("/empty"))).isEqualTo(server.url("/empty") + " is empty");
        assertThat(failure(new KickstartFetcher(vertx, Duration.ofSeconds(1), LOOPBACK_ALLOWED), server.url("/silent")))
            .isEqualTo("could not fetch " + server.url("/silent") + ": no answer within 1 s");
        assertThat(failure("http://127.0.0.1:1/ks")).startsWith("could not fetch http://127.0.0.1:1/ks: ");
    }

    @Test
    void aPasswordInTheUrlIsNeverShown() throws Exception {
        assertThat(failure("http://me:s3cret@127.0.0.1:1/ks")).doesNotContain("s3cret").contains("me:***@");
        assertThatThrownBy(() -> fetch("gopher://me:s3cret@host/ks")).hasMessageNotContaining("s3cret");
    }
}
