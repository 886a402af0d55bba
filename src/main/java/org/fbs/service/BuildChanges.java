package org.fbs.service;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each stored change of a build, told to whoever listens on this master: the notifier (mails) and the log relay (a
 * followed log ends with its build). A publish on the master-local event bus, not a call: each listener hears the
 * change on its own event loop (the notifier is a verticle of its own, each log follower lives on the HTTP server's),
 * the dispatcher never waits for a slow listener, and a follower comes and goes with a cheap registration. The address
 * never leaves this class and never crosses the cluster.
 */
public final class BuildChanges {

    private static final Logger LOG = LoggerFactory.getLogger(BuildChanges.class);
    private static final String ADDRESS = "fbs.master.build-changed";
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private BuildChanges() {
    }

    /** Tells every listener of this Vert.x instance; never fails. */
    public static void publish(Vertx vertx, BuildChange change) {
        vertx.eventBus().publish(ADDRESS, change.toJson(), LOCAL);
    }

    /** Listens on the caller's context until {@link Listening#stop()}; a change that cannot be read is dropped. */
    public static Listening listen(Vertx vertx, Handler<BuildChange> listener) {
        MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(ADDRESS, msg -> {
            BuildChange change;
            try {
                change = BuildChange.fromJson(msg.body());
            } catch (RuntimeException e) {
                LOG.warn("dropping an unreadable build change: {}", e.toString());
                return;
            }
            listener.handle(change);
        });
        return new Listening(consumer);
    }

    /**
     * As {@link #listen}, for a listener that needs only which build changed: it is told the id alone, without the
     * cost of reading the whole build on every change.
     */
    public static Listening listenToIds(Vertx vertx, LongConsumer listener) {
        return new Listening(vertx.eventBus().<JsonObject>localConsumer(ADDRESS, msg -> {
            JsonObject build = msg.body().getJsonObject("build");
            Long id = build == null ? null : build.getLong("id");
            if (id == null) {
                LOG.warn("dropping a build change without a build id");
                return;
            }
            listener.accept(id);
        }));
    }

    /** One listener's registration. */
    public static final class Listening {
        private final MessageConsumer<JsonObject> consumer;

        private Listening(MessageConsumer<JsonObject> consumer) {
            this.consumer = consumer;
        }

        /** Completes once changes reach the listener: a change published after this is heard. */
        public Future<Void> ready() {
            return consumer.completion();
        }

        public Future<Void> stop() {
            return consumer.unregister();
        }
    }
}
