package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fbs.build.Secrets;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.Kickstart;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;

/**
 * Fetches a kickstart from the http(s) URL a spec names, once, on the master, before the build is stored: the text
 * then travels inside the spec, so a worker never reaches out to a URL from a request. Only http and https, also
 * after a redirect (never file: or anything else), at most {@link Kickstart#MAX_BYTES}, within a time limit.
 */
public final class KickstartFetcher {

    static final int MAX_REDIRECTS = 3;
    /** How long a kickstart URL may take to answer in full. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final Duration timeout;

    /** In a verticle, the client closes with it. */
    public KickstartFetcher(Vertx vertx, Duration timeout) {
        this.timeout = timeout;
        // Redirects are followed by hand, so that each target is checked before it is asked.
        this.client = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) timeout.toMillis())
            .setKeepAlive(false));
    }

    /**
     * {@code spec} with the text of its kickstart fetched from the URL it names (as it is, when it has none to
     * fetch), parsed again so that the text is checked like an uploaded one. Fails with a {@link SpecException}
     * naming the key.
     */
    public Future<BuildSpec> withText(BuildSpec spec) {
        Kickstart kickstart = spec.kickstart();
        if (kickstart == null || !kickstart.needsFetch()) {
            return Future.succeededFuture(spec);
        }
        String key = "[" + spec.type().section() + "] config: ";
        return fetch(kickstart.name())
            .recover(err -> Future.failedFuture(new SpecException(List.of(key + err.getMessage()))))
            .compose(text -> {
                try {
                    return Future.succeededFuture(SpecParser.fromJson(spec.withKickstartText(text).toJson()));
                } catch (SpecException e) {
                    return Future.failedFuture(e);
                }
            });
    }

    /** The kickstart's text; fails with a {@link FetchException} whose message can be shown to the user. */
    public Future<String> fetch(String url) {
        return get(url, MAX_REDIRECTS)
            .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .recover(err -> Future.failedFuture(err instanceof FetchException ? err : new FetchException(
                "could not fetch " + Secrets.mask(url) + ": " + reason(err))));
    }

    private Future<String> get(String url, int redirectsLeft) {
        URI uri = httpUri(url);
        if (uri == null) {
            return Future.failedFuture(new FetchException("not an http or https URL: " + Secrets.mask(url)));
        }
        RequestOptions options = new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(url)
            .setFollowRedirects(false)
            .setIdleTimeout(timeout.toMillis());
        return client.request(options)
            .compose(request -> request.send())
            .compose(response -> {
                int status = response.statusCode();
                String location = response.getHeader("Location");
                if (status >= 300 && status < 400 && location != null) {
                    discard(response);
                    if (redirectsLeft == 0) {
                        return Future.failedFuture(new FetchException(
                            "more than " + MAX_REDIRECTS + " redirects from " + Secrets.mask(url)));
                    }
                    String next;
                    try {
                        next = uri.resolve(location).toString();
                    } catch (IllegalArgumentException e) {
                        return Future.failedFuture(new FetchException("a bad redirect from " + Secrets.mask(url)));
                    }
                    return get(next, redirectsLeft - 1);
                }
                if (status != 200) {
                    discard(response);
                    return Future.failedFuture(new FetchException(
                        "could not fetch " + Secrets.mask(url) + ": HTTP " + status));
                }
                return body(response, url);
            });
    }

    /** The body as text, failing as soon as it passes the size limit rather than after reading it all. */
    private static Future<String> body(HttpClientResponse response, String url) {
        String tooLarge = Secrets.mask(url) + " is larger than 1 MiB";
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > Kickstart.MAX_BYTES) {
            discard(response);
            return Future.failedFuture(new FetchException(tooLarge));
        }
        Promise<String> text = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > Kickstart.MAX_BYTES) {
                text.tryFail(new FetchException(tooLarge));
                response.request().reset();
            } else if (!text.future().isComplete()) {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(text::tryFail);
        response.endHandler(v -> {
            String content = body.toString(StandardCharsets.UTF_8);
            if (content.indexOf('\0') >= 0) {
                text.tryFail(new FetchException(Secrets.mask(url) + " is not a text file"));
            } else if (content.isBlank()) {
                text.tryFail(new FetchException(Secrets.mask(url) + " is empty"));
            } else {
                text.tryComplete(content);
            }
        });
        return text.future();
    }

    /** Stops an answer that is not wanted; its reset is expected, not an error to log. */
    private static void discard(HttpClientResponse response) {
        response.exceptionHandler(expected -> { });
        response.request().reset();
    }

    /** The URL if it is http or https with a host; null for anything else (file:, ftp:, a path...). */
    private static URI httpUri(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private String reason(Throwable err) {
        if (err instanceof TimeoutException) {
            return "no answer within " + timeout.toSeconds() + " s";
        }
        String message = err.getMessage();
        return message == null ? err.getClass().getSimpleName() : Secrets.mask(message);
    }

    /** A kickstart could not be fetched; the message says why, for the user. */
    public static final class FetchException extends Exception {

        private static final long serialVersionUID = 1L;

        FetchException(String message) {
            super(message, null, false, false);
        }
    }
}
