package org.fbs.kickstart;

import org.fbs.net.InternalAddresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fbs.build.Secrets;
import org.fbs.config.AllowedHosts;
import org.fbs.config.MasterLimits;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.Kickstart;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;

/**
 * Fetches a kickstart from the http(s) URL a spec names, once, on the master, before the build is stored: the text
 * then travels inside the spec, so a worker never reaches out to a URL from a request. Only http and https, also
 * after a redirect (never file: or anything else), at most {@code master.max-kickstart-size}, within a time limit.
 * On the master a URL whose host resolves to a loopback, link-local, private, multicast or unspecified address is
 * refused unless {@code master.kickstart.allowed-hosts} lists it: users must not make the master reach into the
 * network it sits in. The check is made on every hop of a redirect, and the connection goes to the address checked
 * (not to a second DNS answer).
 */
public final class KickstartFetcher {

    /**
     * What may be fetched.
     *
     * @param maxBytes   the largest kickstart
     * @param allowed    hosts that may be internal addresses all the same
     * @param anyAddress true for {@code fbs build} on the user's own machine, where any address is theirs to use
     */
    public record Policy(long maxBytes, AllowedHosts allowed, boolean anyAddress) {

        /** {@code fbs build}: the user fetches for themselves, from wherever they like. */
        public static final Policy LOCAL = new Policy(Kickstart.MAX_BYTES, AllowedHosts.NONE, true);

        public static Policy of(MasterLimits limits) {
            return new Policy(limits.maxKickstartSize(), limits.kickstartAllowedHosts(), false);
        }
    }

    static final int MAX_REDIRECTS = 3;
    /** How long a kickstart URL may take to answer in full. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final HttpClient client;
    private final Duration timeout;
    private final Policy policy;

    /** In a verticle, the client closes with it. */
    public KickstartFetcher(Vertx vertx, Duration timeout, Policy policy) {
        this.vertx = vertx;
        this.timeout = timeout;
        this.policy = policy;
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
        return checkedAddress(uri)
            .compose(address -> {
                if (address != null) {
                    // Connect to the address that was checked; Host and TLS still name the URL's host.
                    options.setServer(SocketAddress.inetSocketAddress(port(uri), address.getHostAddress()));
                }
                return client.request(options);
            })
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

    /**
     * The address to connect to for {@code uri}, once every address its host resolves to has passed the policy; null
     * to let the client resolve the host itself (any address allowed, or the host listed by name).
     */
    private Future<InetAddress> checkedAddress(URI uri) {
        String host = uri.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (policy.anyAddress() || policy.allowed().listsName(bare)) {
            return Future.succeededFuture(null);
        }
        return vertx.executeBlocking(() -> InetAddress.getAllByName(bare), false)
            .recover(err -> Future.failedFuture(new FetchException("could not fetch " + Secrets.mask(uri.toString())
                + ": unknown host " + bare)))
            .compose(addresses -> {
                for (InetAddress address : addresses) {
                    String kind = InternalAddresses.kind(address);
                    if (kind != null && !policy.allowed().listsAddress(address)) {
                        String which = bare.equalsIgnoreCase(address.getHostAddress()) ? bare + " is " + kind
                            : bare + " is " + address.getHostAddress() + ", " + kind;
                        return Future.failedFuture(new FetchException("will not fetch " + Secrets.mask(uri.toString())
                            + ": " + which + " address (an operator may allow it in master.kickstart.allowed-hosts)"));
                    }
                }
                return Future.succeededFuture(addresses[0]);
            });
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The body as text, failing as soon as it passes the size limit rather than after reading it all. */
    private Future<String> body(HttpClientResponse response, String url) {
        long max = policy.maxBytes();
        String tooLarge = Secrets.mask(url) + " is larger than " + size(max);
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > max) {
            discard(response);
            return Future.failedFuture(new FetchException(tooLarge));
        }
        Promise<String> text = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if ((long) body.length() + chunk.length() > max) {
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

    /** 1 MiB, 64 KiB or 1000 bytes. */
    static String size(long bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
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
