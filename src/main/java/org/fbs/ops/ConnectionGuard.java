package org.fbs.ops;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server (the master's and the worker's) that clients cannot hold open by sending nothing, or too little
 * too slowly ("slowloris"): each would keep a file descriptor, and a few thousand exhaust them. A connection is
 * closed when
 * <ul>
 *   <li>it has not sent a whole request head (line and headers) {@link #HEAD_MILLIS} after it opened, or after the
 *       answer to its previous request ended (an idle keep-alive connection);
 *   <li>a request's body has not arrived {@link #BODY_MILLIS} after its head;
 *   <li>it would be more than {@link #MAX_CONNECTIONS} open at once (closed at once).
 * </ul>
 * An answer that is still being written is never cut, however quiet: a followed log of a build that prints nothing
 * for an hour must stay open (which is why the server's own idle timeout, which would cut it, is not used). Request
 * heads are limited to {@link #MAX_HEAD_BYTES} (Vert.x answers 431 beyond).
 */
public final class ConnectionGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    public static final long HEAD_MILLIS = 10_000;
    public static final long BODY_MILLIS = 60_000;
    public static final int MAX_CONNECTIONS = 2_000;
    public static final int MAX_HEAD_BYTES = 16 * 1024;
    public static final int MAX_REQUEST_LINE = 8 * 1024;

    private final Vertx vertx;
    private final long headNanos;
    private final long bodyNanos;
    private final int maxConnections;
    private final Map<HttpConnection, Watch> open = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private long sweeper = -1;

    /** One connection: the request it is on (null before its first) and since when it waits for what. */
    private static final class Watch {
        volatile HttpServerRequest current;
        volatile long since = System.nanoTime();
        volatile long idleSince;
    }

    ConnectionGuard(Vertx vertx, long headMillis, long bodyMillis, int maxConnections) {
        this.vertx = vertx;
        this.headNanos = TimeUnit.MILLISECONDS.toNanos(headMillis);
        this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(bodyMillis);
        this.maxConnections = maxConnections;
    }

    /** A server with the standard limits that hands each request to {@code handler}; listen on it next. */
    public static HttpServer server(Vertx vertx, Handler<HttpServerRequest> handler) {
        return new ConnectionGuard(vertx, HEAD_MILLIS, BODY_MILLIS, MAX_CONNECTIONS).create(handler);
    }

    HttpServer create(Handler<HttpServerRequest> handler) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
            // With h2c on, Vert.x makes the connection (and calls the connection handler) only once the first bytes
            // have told HTTP/1.1 from HTTP/2: a client that sends nothing would never be seen. Nobody speaks h2c to
            // FBS (browsers use HTTP/2 over TLS only, at the proxy).
            .setHttp2ClearTextEnabled(false)
            .setMaxHeaderSize(MAX_HEAD_BYTES)
            .setMaxInitialLineLength(MAX_REQUEST_LINE));
        server.connectionHandler(this::opened);
        server.requestHandler(request -> {
            Watch watch = open.get(request.connection());
            if (watch != null) {
                watch.current = request;
                watch.since = System.nanoTime();
                watch.idleSince = 0;
            }
            handler.handle(request);
        });
        return server;
    }

    /** Connections open now, for tests. */
    int openConnections() {
        return count.get();
    }

    private void opened(HttpConnection connection) {
        if (count.incrementAndGet() > maxConnections) {
            count.decrementAndGet();
            LOG.warn("refused a connection from {}: {} are open already", connection.remoteAddress(), maxConnections);
            connection.close();
            return;
        }
        open.put(connection, new Watch());
        connection.closeHandler(v -> {
            if (open.remove(connection) != null) {
                count.decrementAndGet();
            }
        });
        synchronized (this) {
            if (sweeper < 0) {
                long every = Math.max(50, TimeUnit.NANOSECONDS.toMillis(Math.min(headNanos, bodyNanos)) / 5);
                sweeper = vertx.setPeriodic(every, t -> sweep());
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        open.forEach((connection, watch) -> {
            HttpServerRequest request = watch.current;
            String why = null;
            if (request == null) {
                if (now - watch.since > headNanos) {
                    why = "sent no whole request";
                }
            } else if (!request.isEnded()) {
                if (now - watch.since > bodyNanos) {
                    why = "did not send its request body";
                }
            } else if (request.response().ended() || request.response().closed()) {
                if (watch.idleSince == 0) {
                    watch.idleSince = now;
                } else if (now - watch.idleSince > headNanos) {
                    why = "sent no next request";
                }
            }
            if (why != null && open.remove(connection) != null) {
                count.decrementAndGet();
                LOG.debug("closed the connection from {}: it {} in time", connection.remoteAddress(), why);
                connection.close();
            }
        });
        synchronized (this) {
            if (open.isEmpty() && sweeper >= 0) {
                vertx.cancelTimer(sweeper);
                sweeper = -1;
            }
        }
    }
}
