package org.fbs.service;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Each stored change of a build, told to whoever listens on this master: the notifier (mails) and the log relay (a
 * followed log ends with its build). A publish on the master-local event bus, not a call: each listener hears the
 * change on its own event loop (the notifier is a verticle of its own, each log follower lives on the HTTP server's),
 * the dispatcher never waits for a slow listener, and a follower comes and goes with a cheap registration. The address
 * never leaves this class and never crosses the cluster.
 */
public final class BuildChanges {

    private static final String ADDRESS = "fbs.master.build-changed";
    /**
     * The change itself is handed to each listener, not its JSON: a build is immutable, and encoding it once and
     * decoding it once per listener was most of what a stored change cost the master. Local only.
     */
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setCodecName(InMemory.NAME);
    /** The event buses the codec is registered with (once each). */
    private static final Map<EventBus, Boolean> REGISTERED = Collections.synchronizedMap(new WeakHashMap<>());

    private BuildChanges() {
    }

    /** Tells every listener of this Vert.x instance; never fails. */
    public static void publish(Vertx vertx, BuildChange change) {
        bus(vertx).publish(ADDRESS, change, LOCAL);
    }

    /** Listens on the caller's context until {@link Listening#stop()}. */
    public static Listening listen(Vertx vertx, Handler<BuildChange> listener) {
        return new Listening(bus(vertx).<BuildChange>localConsumer(ADDRESS, msg -> listener.handle(msg.body())));
    }

    private static EventBus bus(Vertx vertx) {
        EventBus bus = vertx.eventBus();
        REGISTERED.computeIfAbsent(bus, b -> {
            b.registerCodec(new InMemory());
            return true;
        });
        return bus;
    }

    /** Hands the change over as it is; it never leaves this process. */
    private static final class InMemory implements MessageCodec<BuildChange, BuildChange> {
        static final String NAME = "fbs-build-change";

        @Override
        public void encodeToWire(Buffer buffer, BuildChange change) {
            throw new UnsupportedOperationException("a build change never leaves its master");
        }

        @Override
        public BuildChange decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("a build change never leaves its master");
        }

        @Override
        public BuildChange transform(BuildChange change) {
            return change;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }

    /** One listener's registration. */
    public static final class Listening {
        private final MessageConsumer<BuildChange> consumer;

        private Listening(MessageConsumer<BuildChange> consumer) {
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
