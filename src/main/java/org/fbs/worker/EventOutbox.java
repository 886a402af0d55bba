package org.fbs.worker;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.build.Stage;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's events to the master, at least once. Each event is appended to the worker's journal (see
 * {@link WorkerJournal}: one file, one fsync for all that arrive together) before it is sent, and acknowledged there
 * once the master acknowledges it (the master stores the change before it acknowledges). Each build's events go one
 * at a time, in the order they were made, so that they arrive in seq order and its final event never overtakes a
 * stage; the events of different builds go side by side (up to {@link #IN_FLIGHT} at once), so that one build's
 * events do not wait for another's to be stored, and the master stores those that arrive together in one commit. A
 * delivery that fails is resent with a growing wait, during which nothing new is sent (the master is likely away).
 * The journal also holds a marker per run that has not ended, with the tool processes the run has going: a worker
 * that restarts finds what its previous process left, resends the events, and (once the caller has stopped the runs'
 * tools) reports the runs it cannot resume as LOST. A run's final (or LOST) event ends its marker in the same record,
 * so a crash at any moment leaves one or the other.
 *
 * <p>Use on the worker verticle's context only, except {@link #markRunning} and {@link #recordTools} (any thread).
 */
final class EventOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);
    static final long ACK_TIMEOUT_MS = 10_000;
    /** Short, so that events flow again within seconds of a master restart. */
    static final long MAX_BACKOFF_MS = 5_000;
    /** Events of different builds on their way to the master at once. */
    static final int IN_FLIGHT = 32;

    /** An event kept on disk, under its place in the sending order. */
    private record Kept(long order, BuildEvent event) {
    }

    /** A run (build attempt) that had not ended when the previous process stopped, with the tools it had going. */
    record Run(long build, int attempt, String lease, List<RecordedTool> tools) {

        /** A run without a lease. */
        Run(long build, int attempt, List<RecordedTool> tools) {
            this(build, attempt, null, tools);
        }
    }

    /** The seq counter of each run in progress, by build. */
    private record Counter(int attempt, String lease, long lastSeq) {
    }

    private final Vertx vertx;
    private final Path dir;
    private final String worker;
    private final long compactAt;
    private final Map<Long, Counter> counters = new HashMap<>();
    /** Each build's unsent events in the order they were made; the builds in the order they came to wait. */
    private final Map<Long, Deque<Kept>> waiting = new LinkedHashMap<>();
    /** The builds with an event on its way to the master: at most one each, so each build's arrive in order. */
    private final Set<Long> inFlight = new HashSet<>();
    /** Events kept and not yet acknowledged: waiting or on their way. */
    private int unacknowledged;
    /**
     * Each run marked by this process and not ended; guarded by itself, so that its journal records are queued in the
     * order the map changes.
     */
    private final Map<Long, Marked> marked = new HashMap<>();
    private volatile WorkerJournal journal;

    private record Marked(int attempt, String lease) {
    }
    private long nextOrder = 1;
    /** The context the outbox was started on: its seq counters and its events, waiting or on their way, live there. */
    private Context home;
    /** A delivery failed: nothing new goes until its wait is over. */
    private boolean pausing;
    private long backoffMs;

    EventOutbox(Vertx vertx, Path dir, String worker) {
        this(vertx, dir, worker, WorkerJournal.COMPACT_AT);
    }

    EventOutbox(Vertx vertx, Path dir, String worker, long compactAt) {
        this.vertx = vertx;
        this.dir = dir;
        this.worker = worker;
        this.compactAt = compactAt;
    }

    /** True when the master has acknowledged every event (a draining worker exits only then). */
    boolean isEmpty() {
        return unacknowledged == 0;
    }

    /**
     * Opens the journal and picks up what a previous process left (moving the files of the per-event format before
     * the journal into it): queues its unacknowledged events again. Completes with its unfinished runs, whose tools
     * and work dirs the caller cleans up before it reports them with {@link #reportLost}.
     */
    Future<List<Run>> start() {
        home = vertx.getOrCreateContext();
        return vertx.executeBlocking(() -> {
            WorkerJournal opened = WorkerJournal.open(dir, worker, compactAt);
            LegacyOutbox.moveInto(dir, opened);
            journal = opened;
            return opened.contents();
        }, false).map(left -> {
            left.events().forEach((order, event) -> hold(new Kept(order, event)));
            nextOrder = left.events().isEmpty() ? 1 : left.events().lastKey() + 1;
            if (!left.events().isEmpty()) {
                LOG.info("resending {} event(s) a previous run of worker {} left unacknowledged", left.events().size(),
                    worker);
            }
            send();
            List<Run> runs = new ArrayList<>();
            left.runs().values().stream().sorted(Comparator.comparing(r -> r.getLong("run")))
                .forEach(run -> runs.add(new Run(run.getLong("run"), run.getInteger("attempt"), run.getString("lease"),
                    run.getJsonArray("tools", new JsonArray()).stream()
                        .map(t -> RecordedTool.fromJson((JsonObject) t)).toList())));
            return runs;
        });
    }

    /** Writes what is queued and closes the journal. */
    Future<Void> close() {
        WorkerJournal open = journal;
        return open == null ? Future.succeededFuture() : Future.fromCompletionStage(open.close());
    }

    /** Reports each run a previous process left as LOST; completes once those events (not their sending) are on disk. */
    Future<Void> reportLost(List<Run> runs) {
        List<Future<Void>> written = new ArrayList<>();
        for (Run run : runs) {
            LOG.warn("build {} (attempt {}) was running when this worker stopped; reporting it lost", run.build(),
                run.attempt());
            counters.put(run.build(), new Counter(run.attempt(), run.lease(), 0));
            written.add(add(run.build(), BuildEvent.Kind.LOST, null, "the worker restarted while the build ran",
                List.of(), List.of(), List.of()));
        }
        return Future.join(written).mapEmpty();
    }

    /**
     * Records that this worker runs {@code attempt} of {@code build} under {@code lease} (null without one);
     * completes once that is on disk, which the worker waits for before it accepts the offer. It shares its fsync
     * with whatever else is being written.
     */
    Future<Void> markRunning(long build, int attempt, String lease) {
        CompletableFuture<Void> written;
        synchronized (marked) {
            marked.put(build, new Marked(attempt, lease));
            written = journal.putRun(build, attempt, lease, new JsonArray());
        }
        return Future.fromCompletionStage(written, vertx.getOrCreateContext());
    }

    /** Records a run without a lease (tests). */
    Future<Void> markRunning(long build, int attempt) {
        return markRunning(build, attempt, null);
    }

    /**
     * Records the tool processes {@code build} has going in its run marker, so that a restart after this process
     * was killed can stop them. Nothing for a build this outbox has not marked. Blocking (until it is on disk), any
     * thread but an event loop.
     */
    void recordTools(long build, List<Process> tools) {
        CompletableFuture<Void> written;
        synchronized (marked) {
            Marked run = marked.get(build);
            if (run == null) {
                return;
            }
            JsonArray recorded = new JsonArray();
            for (Process tool : tools) {
                RecordedTool.of(tool.toHandle()).ifPresentOrElse(t -> recorded.add(t.toJson()), () -> LOG.warn(
                    "build {}: the start time of tool process {} is unknown; a restart could not stop it", build,
                    tool.pid()));
            }
            written = journal.putRun(build, run.attempt(), run.lease(), recorded);
        }
        try {
            written.join();
        } catch (CompletionException e) {
            LOG.warn("build {}: could not record its tool processes in the journal: {}", build,
                e.getCause().toString());
        }
    }

    /** Drops the record of a run that never started (the offer was declined after all). */
    Future<Void> forget(long build) {
        CompletableFuture<Void> written;
        synchronized (marked) {
            marked.remove(build);
            written = journal.endRun(build);
        }
        return Future.fromCompletionStage(written, vertx.getOrCreateContext())
            .onFailure(err -> LOG.warn("could not remove the run marker of build {}: {}", build, err.toString()))
            .recover(err -> Future.succeededFuture());
    }

    /** Starts the seq count of a new run; call on the context once the offer is accepted. */
    void begin(long build, int attempt, String lease) {
        counters.put(build, new Counter(attempt, lease, 0));
    }

    /** Starts the seq count of a run without a lease (tests). */
    void begin(long build, int attempt) {
        begin(build, attempt, null);
    }

    void stage(long build, Stage stage) {
        add(build, BuildEvent.Kind.STAGE, stage.label(), null, List.of(), List.of(), List.of());
    }

    Future<Void> succeeded(long build, List<Artifact> artifacts, List<ExtraPackage> extraPackages,
                           List<String> logTail) {
        return add(build, BuildEvent.Kind.SUCCEEDED, null, null, artifacts, extraPackages, logTail);
    }

    Future<Void> failed(long build, String reason, List<Artifact> artifacts, List<String> logTail) {
        return add(build, BuildEvent.Kind.FAILED, null, reason, artifacts, List.of(), logTail);
    }

    Future<Void> canceled(long build, String reason, List<Artifact> artifacts, List<String> logTail) {
        return add(build, BuildEvent.Kind.CANCELED, null, reason, artifacts, List.of(), logTail);
    }

    /** How many fsyncs the journal made (for tests). */
    int fsyncs() {
        return journal.fsyncs();
    }

    /** Runs {@code task} on the journal's thread, ahead of what is written after this call (for tests). */
    void onJournalThread(Runnable task) {
        journal.onThread(task);
    }

    /** How many events wait for the master's acknowledgement. */
    int unacknowledged() {
        return unacknowledged;
    }

    /** Keeps the event on disk and queues it; completes once it is on disk (or could not be written). */
    private Future<Void> add(long build, BuildEvent.Kind kind, String stage, String reason, List<Artifact> artifacts,
                             List<ExtraPackage> extraPackages, List<String> logTail) {
        if (Vertx.currentContext() != home) {
            // Events queued from two threads could leave in another order than they were made (an end before its
            // stages): a caller on a build thread must hop to the outbox's context first.
            throw new IllegalStateException("build " + build + ": a " + kind + " event must be added on the outbox's"
                + " context, not on " + Thread.currentThread().getName());
        }
        Counter counter = counters.getOrDefault(build, new Counter(1, null, 0));
        long seq = counter.lastSeq() + 1;
        if (kind.isFinal()) {
            counters.remove(build);
        } else {
            counters.put(build, new Counter(counter.attempt(), counter.lease(), seq));
        }
        Kept kept = new Kept(nextOrder++, new BuildEvent(build, counter.attempt(), seq, worker, kind, stage, reason,
            artifacts, Instant.now(), extraPackages, logTail, counter.lease()));
        CompletableFuture<Void> written;
        synchronized (marked) {
            if (kind.isFinal()) {
                // The record that keeps the run's end also ends its marker: a restart must not report it lost.
                marked.remove(build);
            }
            written = journal.putEvent(kept.order(), kept.event());
        }
        // The journal completes its writes in the order they were queued: the events are queued to be sent in the
        // order they were made.
        return Future.fromCompletionStage(written, home).onComplete(done -> {
            if (done.failed()) {
                // Still worth sending: only a restart before the acknowledgement would lose it.
                LOG.error("could not keep event {} of build {} on disk; sending it anyway", seq, build, done.cause());
            }
            hold(kept);
            send();
        }).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    }

    /** Queues a kept event behind its build's earlier ones. */
    private void hold(Kept kept) {
        waiting.computeIfAbsent(kept.event().buildId(), b -> new ArrayDeque<>()).addLast(kept);
        unacknowledged++;
    }

    /** Sends the next event of each build that has none on its way, oldest waiting build first, up to the limit. */
    private void send() {
        if (pausing) {
            return;
        }
        List<Kept> going = new ArrayList<>();
        Iterator<Map.Entry<Long, Deque<Kept>>> builds = waiting.entrySet().iterator();
        while (inFlight.size() < IN_FLIGHT && builds.hasNext()) {
            Map.Entry<Long, Deque<Kept>> build = builds.next();
            if (inFlight.contains(build.getKey())) {
                continue; // its events stay in order: the next goes once the master has this one
            }
            going.add(build.getValue().poll());
            if (build.getValue().isEmpty()) {
                builds.remove();
            }
            inFlight.add(build.getKey());
        }
        // Sent once the walk is done: a delivery that fails at once puts its event back among the waiting.
        going.forEach(this::deliver);
    }

    private void deliver(Kept kept) {
        BuildEvent event = kept.event();
        vertx.eventBus().request(Addresses.EVENTS, event.toJson(), new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MS))
            .onComplete(ack -> {
                inFlight.remove(event.buildId());
                if (ack.succeeded()) {
                    unacknowledged--;
                    backoffMs = 0;
                    journal.ack(kept.order()).exceptionally(err -> {
                        LOG.warn("could not note acknowledged event {} of build {}: {}", event.seq(),
                            event.buildId(), err.toString());
                        return null;
                    });
                    send();
                    return;
                }
                // Back at the head of its build's events: the later ones must not overtake it.
                Deque<Kept> rest = waiting.get(event.buildId());
                if (rest == null) {
                    rest = new ArrayDeque<>();
                    waiting.put(event.buildId(), rest);
                }
                rest.addFirst(kept);
                if (pausing) {
                    return; // one wait for all that fail together
                }
                pausing = true;
                backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(250, backoffMs * 2));
                LOG.warn("event {} ({}) of build {} not acknowledged ({}); sending again in {} ms", event.seq(),
                    event.kind(), event.buildId(), ack.cause().getMessage(), backoffMs);
                vertx.setTimer(backoffMs, t -> {
                    pausing = false;
                    send();
                });
            });
    }
}
