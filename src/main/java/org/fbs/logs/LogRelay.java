package org.fbs.logs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.fbs.auth.Caller;
import org.fbs.build.Artifact;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.cluster.WorkerLinks;
import org.fbs.service.BuildChanges;
import org.fbs.store.AsyncBuildStore;

/**
 * A build's log, read from its worker and streamed through the master as it comes, so that browsers and the CLI need
 * to reach only the master and the owner check applies. Behind {@code GET /builds/{id}/log} (the pages) and
 * {@code GET /api/v1/builds/{id}/log} (the API); each says its problems its own way ({@link Problems}).
 *
 * <ul>
 *   <li>An unknown build, or another user's: 404 "no such build".
 *   <li>A build without a worker yet: 404 saying why it waits; with {@code follow}, the answer waits until a worker
 *       has it (or it ends), as it does while the worker has not opened the log yet.
 *   <li>A running build: its worker's log ({@code follow}: until the build ends). A worker that does not answer: 502.
 *       A followed stream is cut (reset, so the reader knows it broke off) when the build goes back to the queue or
 *       to another attempt, and when the worker has not ended it {@link #END_GRACE_MILLIS} after the build ended: a
 *       worker that died silently sends no close, and its stream would otherwise hang its readers forever.
 *   <li>An ended build: the full log while its worker still has it, else the last lines the worker sent at the end
 *       (the {@link #PART} header says which), else 404 saying where the log went.
 * </ul>
 * The master reads a log only at the URL its worker announced (the build's {@code logUrl}, which the dispatcher takes
 * from the worker directory, never from a worker's message), with a link it signs for the purpose ({@link WorkerLinks}).
 * Nothing is buffered beyond what the pipe holds; when the reader goes away, the request to the worker is dropped.
 */
public final class LogRelay {

    public static final String TEXT = "text/plain; charset=utf-8";
    /** Header of a 200 answer: {@code full} (the worker's log) or {@code tail} (the last lines the master kept). */
    public static final String PART = "FBS-Log";
    /** Header of a 200 answer: the attempt of the build whose log it is, so a follower knows which one it read. */
    public static final String ATTEMPT = "FBS-Attempt";
    /** How long a plain read may wait for the worker's next bytes. A follower waits as long as the build is quiet. */
    private static final long READ_IDLE_MILLIS = 30_000;
    /** How long getting a connection to a worker (from the pool, or a new one) may take before the answer is 502. */
    private static final long CONNECT_MILLIS = 5_000;
    /**
     * Connections per worker: each follower holds one for a whole build, so the pool must not be what makes a
     * reader wait (Vert.x's default of 5 would queue the 6th reader until a build ended).
     */
    static final int CONNECTIONS_PER_WORKER = 256;
    /**
     * Followed logs one user may have open at once: each holds a connection to a worker from a pool that every
     * reader shares, so one user must not be able to take them all. More answer 429. The local admin of a master
     * without login is alone and not capped.
     */
    public static final int FOLLOWS_PER_USER = 8;
    /** How long a worker may take to end a followed stream itself once the build has ended (it normally does at once). */
    static final long END_GRACE_MILLIS = 10_000;

    /** How a route answers a problem: the pages in plain text, the API in JSON. */
    @FunctionalInterface
    public interface Problems {
        void answer(RoutingContext ctx, int status, String message);
    }

    private final Vertx vertx;
    private final AsyncBuildStore store;
    private final HttpClient client;
    private final Map<String, Integer> follows = new ConcurrentHashMap<>();
    private final WorkerLinks links;

    public LogRelay(Vertx vertx, AsyncBuildStore store, WorkerLinks links) {
        this.vertx = vertx;
        this.store = store;
        this.links = links;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) CONNECT_MILLIS),
            new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_WORKER).setMaxWaitQueueSize(4 * CONNECTIONS_PER_WORKER));
    }

    /** Serves build {@code id}'s log ({@code id} below 1: no such build), to {@code caller}. */
    public void serve(RoutingContext ctx, Caller caller, long id, boolean follow, Problems problems) {
        if (follow && !Caller.LOCAL.equals(caller)) {
            if (!take(caller.name())) {
                problems.answer(ctx, 429, "you follow " + FOLLOWS_PER_USER + " build logs already, the most one user "
                    + "may; close one first");
                return;
            }
            // Called when the answer ends or its connection closes, whichever the stream's own handlers allow.
            ctx.addEndHandler(done -> release(caller.name()));
        }
        new Reading(ctx, caller, id, follow, problems).start();
    }

    private boolean take(String user) {
        boolean[] taken = {false};
        follows.compute(user, (u, n) -> {
            int now = n == null ? 0 : n;
            if (now >= FOLLOWS_PER_USER) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private void release(String user) {
        follows.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    /** One request: with {@code follow}, it looks again at each change of the build until it streams or answers. */
    private final class Reading {
        private final RoutingContext ctx;
        private final Caller caller;
        private final long id;
        private final boolean follow;
        private final Problems problems;
        private BuildChanges.Listening changes;
        /** While a followed stream is piped: the build as it was when the stream was opened, and how to cut it. */
        private Build streamed;
        private HttpClientResponse upstream;
        private long graceTimer = -1;
        private boolean waiting;
        private boolean changedMeanwhile;
        private boolean done;

        Reading(RoutingContext ctx, Caller caller, long id, boolean follow, Problems problems) {
            this.ctx = ctx;
            this.caller = caller;
            this.id = id;
            this.follow = follow;
            this.problems = problems;
        }

        void start() {
            if (id < 1) {
                problem(404, "no such build");
                return;
            }
            if (!follow) {
                look();
                return;
            }
            // Listening before the first look: a change between the look and the wait is not missed.
            changes = BuildChanges.listen(vertx, change -> {
                if (change.build().id() == id) {
                    if (streamed != null) {
                        watch(change.build());
                    } else {
                        changed();
                    }
                }
            });
            ctx.response().closeHandler(v -> finish());
            changes.ready().onComplete(v -> look());
        }

        private void changed() {
            if (waiting) {
                waiting = false;
                look();
            } else {
                changedMeanwhile = true;
            }
        }

        /** Until the build changes; at once when it changed while it was looked at. */
        private void waitForChange() {
            if (changedMeanwhile) {
                look();
            } else {
                waiting = true;
            }
        }

        private void look() {
            if (done) {
                return;
            }
            changedMeanwhile = false;
            store.get(id).onFailure(this::fail).onSuccess(found -> {
                if (done) {
                    return;
                }
                if (found.isEmpty() || !caller.maySee(found.get())) {
                    // Another user's build is answered like a missing one: ids say nothing about who builds what.
                    problem(404, "no such build");
                } else if (found.get().state().isFinal()) {
                    ended(found.get());
                } else if (found.get().logUrl() == null) {
                    queued(found.get());
                } else {
                    running(found.get());
                }
            });
        }

        private void queued(Build build) {
            if (follow) {
                waitForChange();
            } else {
                problem(404, "build " + id + " has no log yet: it is " + build.state()
                    + (build.reason() == null ? ", waiting for a worker" : " (" + build.reason() + ")"));
            }
        }

        private void running(Build build) {
            open(build, follow).onComplete(opened -> {
                if (done) {
                    if (opened.succeeded()) {
                        opened.result().request().reset();
                    }
                } else if (opened.failed()) {
                    problem(502, "the log is on worker " + build.worker() + ", which does not answer: "
                        + opened.cause().getMessage());
                } else if (opened.result().statusCode() != 200) {
                    opened.result().request().reset();
                    if (follow) {
                        waitForChange(); // taken, but the worker has not opened the log yet
                    } else {
                        problem(404, "worker " + build.worker() + " has no log for build " + id + " yet");
                    }
                } else {
                    pipe(opened.result(), build);
                }
            });
        }

        private void ended(Build build) {
            if (build.logUrl() == null) {
                kept(build, "no worker ever ran it");
                return;
            }
            open(build, false).onComplete(opened -> {
                if (done) {
                    if (opened.succeeded()) {
                        opened.result().request().reset();
                    }
                } else if (opened.failed()) {
                    kept(build, "worker " + build.worker() + " does not answer (" + opened.cause().getMessage() + ")");
                } else if (opened.result().statusCode() != 200) {
                    opened.result().request().reset();
                    kept(build, "worker " + build.worker() + " no longer has it");
                } else {
                    pipe(opened.result(), build);
                }
            });
        }

        /** What the master kept of an ended build's log, when its worker cannot give the whole. */
        private void kept(Build build, String why) {
            if (build.logTail().isEmpty()) {
                problem(404, "build " + id + " ended " + build.state() + "; its log is not here: " + why
                    + staged(build));
                return;
            }
            finish();
            headers(ctx.response().setStatusCode(200)).putHeader(PART, "tail")
                .putHeader(ATTEMPT, String.valueOf(build.attempt()))
                .end(String.join("\n", build.logTail()) + "\n");
        }

        private Future<HttpClientResponse> open(Build build, boolean followIt) {
            String logUrl = links.forRelay(build);
            if (logUrl == null) {
                return Future.failedFuture("its log link is not the worker's (" + build.logUrl() + ")");
            }
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(followIt ? logUrl + "&follow=true" : logUrl).setConnectTimeout(CONNECT_MILLIS);
            if (!followIt) {
                request.setIdleTimeout(READ_IDLE_MILLIS);
            }
            return client.request(request).compose(r -> r.send());
        }

        private void pipe(HttpClientResponse from, Build build) {
            boolean watched = changes != null && !build.state().isFinal(); // a follow of a running build
            if (watched) {
                done = true; // no more looks; the changes now say when to cut the stream
                waiting = false;
                streamed = build;
                upstream = from;
            } else {
                finish();
            }
            HttpServerResponse to = headers(ctx.response().setStatusCode(200).setChunked(true)).putHeader(PART, "full")
                .putHeader(ATTEMPT, String.valueOf(build.attempt()));
            to.closeHandler(v -> from.request().reset());
            // Not ended on failure but reset: a reader must not take a log that broke off for a whole one.
            from.pipe().endOnFailure(false).to(to).onComplete(piped -> {
                stopWatching();
                if (piped.failed()) {
                    from.exceptionHandler(err -> { }); // the pipe's failure said it; the reset's echo says nothing
                    from.request().reset();
                    if (!to.ended() && !to.closed()) {
                        to.reset();
                    }
                }
            });
            if (watched && changedMeanwhile) {
                // The build changed between the look and now: the change may have been the one to cut at.
                store.get(id).onSuccess(found -> found.ifPresent(this::watch));
            }
        }

        /** A change of the build while its log streams: cut the stream once it can no longer be this attempt's. */
        private void watch(Build now) {
            if (streamed == null) {
                return;
            }
            if (now.state() == BuildState.QUEUED || now.attempt() != streamed.attempt()
                || !Objects.equals(now.worker(), streamed.worker())) {
                cut();
            } else if (now.state().isFinal() && graceTimer < 0) {
                // The worker ends the stream itself when the build ends, after its last lines; only a silent one
                // needs cutting.
                graceTimer = vertx.setTimer(END_GRACE_MILLIS, t -> {
                    graceTimer = -1;
                    cut();
                });
            }
        }

        private void cut() {
            if (upstream != null) {
                upstream.request().reset(); // fails the pipe, which resets the reader's answer
            }
        }

        private void stopWatching() {
            streamed = null;
            upstream = null;
            if (graceTimer >= 0) {
                vertx.cancelTimer(graceTimer);
                graceTimer = -1;
            }
            finish();
        }

        private void problem(int status, String message) {
            finish();
            if (!ctx.response().ended() && !ctx.response().closed()) {
                problems.answer(ctx, status, message);
            }
        }

        private void fail(Throwable err) {
            finish();
            ctx.fail(err);
        }

        /** No more looks: the answer is on its way, or nobody waits for it. */
        private void finish() {
            done = true;
            waiting = false;
            if (changes != null) {
                changes.stop();
                changes = null;
            }
        }
    }

    /** Where else the log is, when the build staged it: its artifact named like a log. */
    private static String staged(Build build) {
        return build.artifacts().stream().filter(a -> a.name().endsWith(".log")).findFirst()
            .map(Artifact::location).map(where -> "; it was staged as " + where).orElse("");
    }

    /** Plain text that no browser may take for a page: a log holds whatever the build printed. */
    private static HttpServerResponse headers(HttpServerResponse response) {
        return response.putHeader("content-type", TEXT).putHeader("x-content-type-options", "nosniff")
            .putHeader("cache-control", "no-store");
    }
}
