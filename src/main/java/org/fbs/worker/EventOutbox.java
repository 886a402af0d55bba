package org.fbs.worker;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.build.Stage;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's events to the master, sent one at a time in order and resent until the master acknowledges
 * each. Numbered per build so the master applies each once. Use on the worker verticle's context only.
 */
final class EventOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);
    static final long ACK_TIMEOUT_MS = 10_000;
    static final long MAX_BACKOFF_MS = 30_000;

    private final Vertx vertx;
    private final String worker;
    private final Map<Long, Long> lastSeq = new HashMap<>();
    private final Deque<BuildEvent> queue = new ArrayDeque<>();
    private boolean sending;
    private long backoffMs;

    EventOutbox(Vertx vertx, String worker) {
        this.vertx = vertx;
        this.worker = worker;
    }

    /** True when the master has acknowledged every event (a draining worker exits only then). */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    void stage(long build, Stage stage) {
        add(build, BuildEvent.Kind.STAGE, stage.label(), null, List.of(), List.of(), List.of());
    }

    void succeeded(long build, List<Artifact> artifacts, List<ExtraPackage> extraPackages, List<String> logTail) {
        add(build, BuildEvent.Kind.SUCCEEDED, null, null, artifacts, extraPackages, logTail);
    }

    void failed(long build, String reason, List<Artifact> artifacts, List<String> logTail) {
        add(build, BuildEvent.Kind.FAILED, null, reason, artifacts, List.of(), logTail);
    }

    void canceled(long build, String reason, List<Artifact> artifacts, List<String> logTail) {
        add(build, BuildEvent.Kind.CANCELED, null, reason, artifacts, List.of(), logTail);
    }

    private void add(long build, BuildEvent.Kind kind, String stage, String reason, List<Artifact> artifacts,
                     List<ExtraPackage> extraPackages, List<String> logTail) {
        long seq = lastSeq.merge(build, 1L, Long::sum);
        if (kind != BuildEvent.Kind.STAGE) {
            lastSeq.remove(build);
        }
        queue.add(new BuildEvent(build, seq, worker, kind, stage, reason, artifacts, Instant.now(), extraPackages,
            logTail));
        send();
    }

    private void send() {
        if (sending || queue.isEmpty()) {
            return;
        }
        sending = true;
        BuildEvent head = queue.peek();
        vertx.eventBus().request(Addresses.EVENTS, head.toJson(), new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MS))
            .onComplete(ack -> {
                sending = false;
                if (ack.succeeded()) {
                    queue.poll();
                    backoffMs = 0;
                    send();
                } else {
                    backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(500, backoffMs * 2));
                    LOG.warn("event {} of build {} not acknowledged ({}); resending in {} ms", head.seq(),
                        head.buildId(), ack.cause().getMessage(), backoffMs);
                    vertx.setTimer(backoffMs, t -> send());
                }
            });
    }
}
