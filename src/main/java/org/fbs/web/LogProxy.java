package org.fbs.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import org.fbs.auth.Caller;
import org.fbs.store.AsyncBuildStore;

/**
 * {@code GET /builds/{id}/log[?follow=true]}: the build's log from its worker, streamed through the master as it
 * comes, so that a browser needs to reach only the master (no CORS, one login) and the owner check applies. Nothing
 * is buffered beyond what the pipe holds; when the reader goes away, the request to the worker is dropped too.
 */
final class LogProxy {

    static final String TEXT = "text/plain; charset=utf-8";
    /** How long a plain read may wait for the worker's next bytes. A follower waits as long as the build is quiet. */
    private static final long READ_IDLE_MILLIS = 30_000;

    private final AsyncBuildStore store;
    private final HttpClient client;

    LogProxy(Vertx vertx, AsyncBuildStore store) {
        this.store = store;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
    }

    void serve(RoutingContext ctx, Caller caller) {
        long id = Show.buildId(ctx.pathParam("id"));
        if (id < 0) {
            text(ctx, 404, "no such build\n");
            return;
        }
        boolean follow = "true".equals(ctx.queryParams().get("follow"));
        store.get(id).onFailure(ctx::fail).onSuccess(found -> {
            if (found.isEmpty() || !caller.maySee(found.get())) {
                text(ctx, 404, "no such build\n");
                return;
            }
            String logUrl = found.get().logUrl();
            if (logUrl == null) {
                text(ctx, 404, "no log yet: no worker has taken build " + id + "\n");
                return;
            }
            String worker = found.get().worker();
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(follow ? logUrl + "?follow=true" : logUrl);
            if (!follow) {
                request.setIdleTimeout(READ_IDLE_MILLIS);
            }
            client.request(request).compose(r -> r.send()).onComplete(sent -> {
                if (sent.failed()) {
                    text(ctx, 502, "the log is on worker " + worker + ", which does not answer: "
                        + sent.cause().getMessage() + "\n");
                } else if (sent.result().statusCode() != 200) {
                    sent.result().request().reset();
                    text(ctx, 404, "worker " + worker + " has no log for build " + id + "\n");
                } else {
                    pipe(sent.result(), ctx.response());
                }
            });
        });
    }

    private static void pipe(HttpClientResponse from, HttpServerResponse to) {
        headers(to.setStatusCode(200).setChunked(true));
        to.closeHandler(v -> from.request().reset());
        from.pipeTo(to).onFailure(err -> {
            from.request().reset();
            if (!to.ended() && !to.closed()) {
                to.reset();
            }
        });
    }

    private static void text(RoutingContext ctx, int status, String body) {
        if (!ctx.response().ended()) {
            headers(ctx.response().setStatusCode(status)).end(body);
        }
    }

    /** Plain text that no browser may take for a page: a log holds whatever the build printed. */
    private static HttpServerResponse headers(HttpServerResponse response) {
        return response.putHeader("content-type", TEXT).putHeader("x-content-type-options", "nosniff")
            .putHeader("cache-control", "no-store");
    }
}
