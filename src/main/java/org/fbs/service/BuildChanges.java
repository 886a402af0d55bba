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
import java.util.concurrent.atomic.AtomicLong;

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
    /** The event buses the codec is registered with (once each), with how many changes each has had published. */
    private static final Map<EventBus, AtomicLong> PUBLISHED = Collections.synchronizedMap(new WeakHashMap<>());

    /** A change with its place among the changes published on its bus. */
    private record Numbered(long seq, BuildChange change) {
    }

    private BuildChanges() {
    }

    /** Tells every listener of this Vert.x instance; never fails. */
    public static void publish(Vertx vertx, BuildChange change) {
        // Counted before it is sent: whoever hears of the change in another way (the worker whose event it was, once
        // acknowledged) finds every listener behind until it has heard it.
        long seq = published(vertx).incrementAndGet();
        vertx.eventBus().publish(ADDRESS, new Numbered(seq, change), LOCAL);
    }

    /** Listens on the caller's context until {@link Listening#stop()}. */
    public static Listening listen(Vertx vertx, Handler<BuildChange> listener) {
        return new Listening(vertx.eventBus(), published(vertx), listener);
    }

    private static AtomicLong published(Vertx vertx) {
        return PUBLISHED.computeIfAbsent(vertx.eventBus(), bus -> {
            bus.registerCodec(new InMemory());
            return new AtomicLong();
        });
    }

    /** Hands the change over as it is; it never leaves this process. */
    private static final class InMemory implements MessageCodec<Numbered, Numbered> {
        static final String NAME = "fbs-build-change";

        @Override
        public void encodeToWire(Buffer buffer, Numbered change) {
            throw new UnsupportedOperationException("a build change never leaves its master");
        }

        @Override
        public Numbered decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("a build change never leaves its master");
        }

        @Override
        public Numbered transform(Numbered change) {
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
        private final AtomicLong published;
        private final MessageConsumer<Numbered> consumer;
        /** The place of the last change heard. */
        private volatile long heard;

        private Listening(EventBus bus, AtomicLong published, Handler<BuildChange> listener) {
            this.published = published;
            this.consumer = bus.localConsumer(ADDRESS, msg -> {
                heard = msg.body().seq();
                listener.handle(msg.body().change());
            });
        }

        /**
         * Completes once changes reach the listener: a change published after this is heard. The ones published
         * before count as heard (a listener that keeps what it reads keeps nothing read before this).
         */
        public Future<Void> ready() {
            return consumer.completion().onSuccess(v -> heard = Math.max(heard, published.get()));
        }

        /**
         * Whether a change was published that this listener has not heard yet: one stored and told to its worker
         * may still be on its way here, so what the listener kept from before it may be out of date.
         */
        public boolean behind() {
            return published.get() > heard;
        }

        public Future<Void> stop() {
            return consumer.unregister();
        }
    }
}
