package org.fbs.web;

import static org.fbs.testkit.Waits.await;
import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.cluster.LinkSigner;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;

/**
 * The test plays one worker in the real protocol: it announces itself, takes every offer for x86_64/41, serves build
 * logs over HTTP as a worker does ({@code /log/<id>} with the master's signature, made with this process's secret,
 * else 403; {@code ?follow=true} kept open until the test ends the log), and sends the build events the test asks for.
 * Public for the master's tests of the log route.
 */
public final class PlayedWorker implements AutoCloseable {

    public static final String ADDRESS = Addresses.build("x86_64", "41");

    private final Vertx vertx;
    private final HttpServer server;
    public final String url;
    private final Map<Long, StringBuilder> logs = new ConcurrentHashMap<>();
    private final Map<Long, List<HttpServerResponse>> followers = new ConcurrentHashMap<>();
    private final Map<Long, Long> seq = new ConcurrentHashMap<>();
    /** The lease of each build's offer: a worker stamps it on the build's events. */
    private final Map<Long, String> leases = new ConcurrentHashMap<>();
    /** Every request target the log server was sent, in order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** A {@code logUrl} to put in each offer's answer, as a lying worker would (null: none). */
    public volatile String forgedLogUrl;

    private PlayedWorker(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
        this.url = "http://127.0.0.1:" + server.actualPort();
    }

    public static PlayedWorker start(Vertx vertx) throws Exception {
        PlayedWorker[] self = new PlayedWorker[1];
        HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
            String path = req.path();
            self[0].requests.add(req.uri());
            long id = path.startsWith("/log/") ? Long.parseLong(path.substring(5)) : -1;
            StringBuilder log = self[0].logs.get(id);
            if (!LinkSigner.perProcess().allows(id, path, req.getParam(LinkSigner.EXPIRES),
                req.getParam(LinkSigner.SIGNATURE))) {
                req.response().setStatusCode(403).end("not signed by the master\n");
            } else if (log == null) {
                req.response().setStatusCode(404).end("no such build log\n");
            } else if ("true".equals(req.getParam("follow"))) {
                HttpServerResponse response = req.response().setChunked(true);
                response.write(log.toString());
                self[0].followers.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(response);
            } else {
                req.response().end(log.toString());
            }
        }).listen(0, "127.0.0.1"));
        self[0] = new PlayedWorker(vertx, server);
        await(vertx.eventBus().<JsonObject>consumer(Addresses.offer("w1"), msg -> {
            JobOffer offer = JobOffer.fromJson(msg.body());
            long id = offer.buildId();
            self[0].leases.put(id, offer.lease());
            self[0].logs.put(id, new StringBuilder());
            JsonObject reply = OfferReply.accept("w1").toJson();
            if (self[0].forgedLogUrl != null) {
                reply.put("logUrl", self[0].forgedLogUrl);
            }
            msg.reply(reply);
            // It runs nothing for real, so its slots are free again at once: it says so, as a worker whose build ended.
            self[0].announce();
        }).completion());
        // As a worker does once it takes offers: the master learns where it serves logs.
        self[0].announce();
        return self[0];
    }

    public void announce() {
        vertx.eventBus().publish(Addresses.WORKERS, WorkerStatusBuilder.status("w1").url(url).addresses(ADDRESS)
            .slots(2).types("boot", "live").build().toJson());
    }

    /** Appends to the build's log, and sends it to everyone following it (on the event loop, as a worker does). */
    public void log(long id, String text) {
        vertx.runOnContext(v -> {
            logs.get(id).append(text);
            followers.getOrDefault(id, List.of()).forEach(r -> r.write(text));
        });
    }

    public void endLog(long id) {
        vertx.runOnContext(v -> followers.getOrDefault(id, List.of()).forEach(HttpServerResponse::end));
    }

    public Future<?> stage(long id, String stage) {
        return event(event(id, BuildEvent.Kind.STAGE).stage(stage));
    }

    Future<?> succeed(long id, List<Artifact> artifacts, List<ExtraPackage> extras) {
        return event(event(id, BuildEvent.Kind.SUCCEEDED).artifacts(artifacts).extraPackages(extras));
    }

    Future<?> fail(long id, String reason) {
        return event(event(id, BuildEvent.Kind.FAILED).reason(reason));
    }

    /** Ends the build FAILED, sending the last lines of its log and its artifacts as a worker does. */
    public Future<?> fail(long id, String reason, List<Artifact> artifacts, List<String> logTail) {
        return event(event(id, BuildEvent.Kind.FAILED).reason(reason).artifacts(artifacts).logTail(logTail));
    }

    /** How many follow streams of the build's log the worker holds open. */
    public int following(long id) {
        return followers.getOrDefault(id, List.of()).size();
    }

    /** Says the build's first attempt was lost, as a restarted worker does: the master queues the build again. */
    public Future<?> lost(long id) {
        return event(event(id, BuildEvent.Kind.LOST).reason("restarted"));
    }

    /** The worker no longer has the build's log, as after its clean-up. */
    public void forget(long id) {
        vertx.runOnContext(v -> logs.remove(id));
    }

    private long next(long id) {
        return seq.merge(id, 1L, Long::sum);
    }

    /** The next event of the build's first attempt from w1, under the lease of its offer. */
    private BuildEventBuilder event(long id, BuildEvent.Kind kind) {
        return BuildEventBuilder.event(id, kind).seq(next(id)).lease(leases.get(id));
    }

    private Future<?> event(BuildEventBuilder event) {
        return vertx.eventBus().request(Addresses.EVENTS, event.build().toJson());
    }

    @Override
    public void close() throws Exception {
        await(server.close());
    }
}
