package org.fbs.worker;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code ?follow=true} reader of a build log: sends the file up to the log's committed offset, then every
 * line published from that offset on, until the build ends. Lines published while the file is being sent wait
 * in {@code pending}; the offsets make sure each line goes out once.
 */
final class LogFollower {

    static final String TEXT = "text/plain; charset=utf-8";

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final MessageConsumer<JsonObject> consumer;
    private final List<JsonObject> pending = new ArrayList<>();
    private boolean caughtUp;
    private boolean ended;
    private long sent;

    private LogFollower(Vertx vertx, HttpServerResponse response, long buildId) {
        this.vertx = vertx;
        this.response = response;
        this.consumer = vertx.eventBus().localConsumer(LiveLogs.address(buildId));
    }

    static void start(Vertx vertx, LiveLogs live, HttpServerResponse response, long buildId, Path file) {
        new LogFollower(vertx, response, buildId).start(live, buildId, file);
    }

    private void start(LiveLogs live, long buildId, Path file) {
        consumer.handler(msg -> {
            if (caughtUp) {
                forward(msg.body());
            } else {
                pending.add(msg.body());
            }
        });
        response.closeHandler(v -> consumer.unregister());
        // Listen first, then look: a line written in between is both in the file and in a message, never in neither.
        consumer.completion().onSuccess(v -> {
            BuildLog open = live.get(buildId);
            if (open == null) {
                consumer.unregister();
                response.putHeader("content-type", TEXT).sendFile(file.toString()); // ended: the file is complete
                return;
            }
            long upTo = open.committed();
            response.setChunked(true).putHeader("content-type", TEXT).putHeader("cache-control", "no-cache");
            vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
                .compose(f -> f.setReadLength(upTo).pipe().endOnComplete(false).to(response).eventually(f::close))
                .onComplete(done -> {
                    if (done.failed()) {
                        // The reader went away, or the file could not be read: nothing more to send.
                        consumer.unregister();
                        response.reset();
                        return;
                    }
                    sent = upTo;
                    caughtUp = true;
                    pending.forEach(this::forward);
                    pending.clear();
                });
        });
    }

    private void forward(JsonObject msg) {
        if (ended || response.closed()) {
            return;
        }
        if (msg.getBoolean("end", false)) {
            ended = true;
            consumer.unregister();
            response.end();
            return;
        }
        long offset = msg.getLong("offset");
        if (offset >= sent) {
            String text = msg.getString("text");
            response.write(text);
            sent = offset + text.getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
