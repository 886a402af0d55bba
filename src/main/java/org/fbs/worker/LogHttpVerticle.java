package org.fbs.worker;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fbs.config.WorkerSettings;
import org.fbs.protocol.Addresses;

/**
 * The worker's HTTP face: {@code GET /log/<id>} serves a build's log as plain text, and with
 * {@code ?follow=true} keeps the response open and streams new lines until the build ends. Only build ids
 * reach the file system: the file name is made from the parsed number, never from the URL's text.
 */
public final class LogHttpVerticle extends VerticleBase {

    private static final String TEXT = "text/plain; charset=utf-8";

    private final WorkerSettings settings;
    private final LiveLogs live;
    private final Path logsDir;

    public LogHttpVerticle(WorkerSettings settings, LiveLogs live) {
        this.settings = settings;
        this.live = live;
        this.logsDir = settings.workDir().resolve("logs");
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/log/:id").handler(this::log);
        router.route().handler(ctx -> notFound(ctx.response()));
        return vertx.createHttpServer()
            .requestHandler(router)
            .listen(settings.httpPort(), settings.httpHost());
    }


    private void log(RoutingContext ctx) {
        String raw = ctx.pathParam("id");
        if (raw == null || !raw.matches("[0-9]{1,18}")) {
            notFound(ctx.response());
            return;
        }
        long id = Long.parseLong(raw);
        Path file = BuildLog.fileOf(logsDir, id);
        boolean follow = "true".equals(ctx.queryParams().get("follow"));
        vertx.fileSystem().props(file.toString()).onComplete(props -> {
            if (props.failed() || !props.result().isRegularFile()) {
                notFound(ctx.response());
            } else if (follow) {
                follow(ctx.response(), id, file);
            } else {
                ctx.response().putHeader("content-type", TEXT).sendFile(file.toString());
            }
        });
    }

    /**
     * Sends the file up to the log's committed offset, then every line published from that offset on. Lines
     * that arrive while the file is being sent wait in {@code pending}.
     */
    private void follow(HttpServerResponse response, long id, Path file) {
        List<JsonObject> pending = new ArrayList<>();
        boolean[] caughtUp = {false};
        boolean[] ended = {false};
        long[] sent = {0};
        MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(Addresses.log(id));
        consumer.handler(msg -> {
            if (!caughtUp[0]) {
                pending.add(msg.body());
            } else {
                forward(response, consumer, msg.body(), sent, ended);
            }
        });
        response.closeHandler(v -> consumer.unregister());
        consumer.completion().onSuccess(v -> {
            BuildLog open = live.get(id);
            if (open == null) {
                // Already ended: the file is complete.
                consumer.unregister();
                response.putHeader("content-type", TEXT).sendFile(file.toString());
                return;
            }
            long upTo = open.committed();
            response.setChunked(true).putHeader("content-type", TEXT).putHeader("cache-control", "no-cache");
            vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
                .compose(f -> f.setReadLength(upTo).pipe().endOnComplete(false).to(response).eventually(f::close))
                .onComplete(done -> {
                    if (done.failed()) {
                        // The reader went away (or the file could not be read): nothing more to send.
                        consumer.unregister();
                        response.reset();
                        return;
                    }
                    sent[0] = upTo;
                    caughtUp[0] = true;
                    pending.forEach(m -> forward(response, consumer, m, sent, ended));
                    pending.clear();
                });
        });
    }

    private static void forward(HttpServerResponse response, MessageConsumer<JsonObject> consumer, JsonObject msg,
                                long[] sent, boolean[] ended) {
        if (ended[0] || response.closed()) {
            return;
        }
        if (msg.getBoolean("end", false)) {
            ended[0] = true;
            consumer.unregister();
            response.end();
            return;
        }
        if (msg.getLong("offset") >= sent[0]) {
            String text = msg.getString("text");
            response.write(text);
            sent[0] = msg.getLong("offset") + text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
    }

    private static void notFound(HttpServerResponse response) {
        response.setStatusCode(404).putHeader("content-type", TEXT).end("no such build log\n");
    }
}
