package org.fbs.worker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.build.Stage;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's events to the master, at least once. Each event is written to its own file in the outbox folder and
 * fsynced before it is sent, and removed only when the master acknowledges it (the master stores the change before
 * it acknowledges). Events go one at a time, in the order they were made, so that a build's events arrive in seq
 * order and its final event never overtakes a stage; an unacknowledged one is resent with a growing wait. The
 * folder also holds a marker per run that has not ended, with the tool processes the run has going: a worker that
 * restarts finds what its previous process left, resends the events, and (once the caller has stopped the runs'
 * tools) reports the runs it cannot resume as LOST. A marker goes only once the run's final (or LOST) event is on
 * disk, so a crash at any moment leaves either the marker or that event.
 *
 * <p>Use on the worker verticle's context only, except {@link #markRunning} and {@link #recordTools} (blocking, any
 * thread).
 */
final class EventOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);
    static final long ACK_TIMEOUT_MS = 10_000;
    /** Short, so that events flow again within seconds of a master restart. */
    static final long MAX_BACKOFF_MS = 5_000;
    private static final String EVENT_SUFFIX = ".event.json";
    private static final String RUN_PREFIX = "run-";

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
    private final Map<Long, Counter> counters = new HashMap<>();
    private final Deque<Kept> queue = new ArrayDeque<>();
    /** The run marked by this process and not ended; guarded by itself, as are the marker files. */
    private final Map<Long, Marked> marked = new HashMap<>();

    private record Marked(int attempt, String lease) {
    }
    private long nextOrder = 1;
    private boolean sending;
    private long backoffMs;

    EventOutbox(Vertx vertx, Path dir, String worker) {
        this.vertx = vertx;
        this.dir = dir;
        this.worker = worker;
    }

    /** True when the master has acknowledged every event (a draining worker exits only then). */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Picks up what a previous process left: queues its unacknowledged events again. Completes with its unfinished
     * runs, whose tools and work dirs the caller cleans up before it reports them with {@link #reportLost}.
     */
    Future<List<Run>> start() {
        return vertx.executeBlocking(() -> {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path tmp : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
                    Files.deleteIfExists(tmp); // a write cut short: it was never sent
                }
            }
            return new Leftovers(readEvents(), readRuns());
        }).compose(left -> {
            left.events().forEach(queue::add);
            nextOrder = left.events().stream().mapToLong(Kept::order).max().orElse(0) + 1;
            if (!left.events().isEmpty()) {
                LOG.info("resending {} event(s) a previous run of worker {} left unacknowledged", left.events().size(),
                    worker);
            }
            send();
            return Future.succeededFuture(left.runs());
        });
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

    private record Leftovers(List<Kept> events, List<Run> runs) {
    }

    /**
     * Records that this worker runs {@code attempt} of {@code build} under {@code lease} (null without one), durably,
     * before it accepts the offer. Blocking.
     */
    void markRunning(long build, int attempt, String lease) throws IOException {
        synchronized (marked) {
            Files.createDirectories(dir);
            Marked run = new Marked(attempt, lease);
            writeMarker(build, run, List.of());
            marked.put(build, run);
        }
    }

    /** Records a run without a lease (tests). */
    void markRunning(long build, int attempt) throws IOException {
        markRunning(build, attempt, null);
    }

    /**
     * Records the tool processes {@code build} has going in its run marker, so that a restart after this process
     * was killed can stop them. Nothing for a build this outbox has not marked. Blocking (an fsync), any thread.
     */
    void recordTools(long build, List<Process> tools) {
        synchronized (marked) {
            Marked run = marked.get(build);
            if (run == null) {
                return;
            }
            List<RecordedTool> recorded = new ArrayList<>();
            for (Process tool : tools) {
                RecordedTool.of(tool.toHandle()).ifPresentOrElse(recorded::add, () -> LOG.warn(
                    "build {}: the start time of tool process {} is unknown; a restart could not stop it", build,
                    tool.pid()));
            }
            try {
                writeMarker(build, run, recorded);
            } catch (IOException e) {
                LOG.warn("build {}: could not record its tool processes in {}: {}", build, runFile(build),
                    e.toString());
            }
        }
    }

    private void writeMarker(long build, Marked run, List<RecordedTool> tools) throws IOException {
        JsonArray recorded = new JsonArray();
        tools.forEach(tool -> recorded.add(tool.toJson()));
        writeDurably(runFile(build), new JsonObject().put("build", build).put("attempt", run.attempt())
            .put("lease", run.lease()).put("tools", recorded).encode());
    }

    /** Drops the record of a run that never started (the offer was declined after all). */
    Future<Void> forget(long build) {
        return vertx.executeBlocking(() -> removeMarker(build), true)
            .onFailure(err -> LOG.warn("could not remove the run marker of build {}: {}", build, err.toString()))
            .<Void>mapEmpty().recover(err -> Future.succeededFuture());
    }

    private boolean removeMarker(long build) throws IOException {
        synchronized (marked) {
            marked.remove(build);
            return Files.deleteIfExists(runFile(build));
        }
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

    /** How many events wait for the master's acknowledgement. */
    int unacknowledged() {
        return queue.size();
    }

    /** Keeps the event on disk and queues it; completes once it is on disk (or could not be written). */
    private Future<Void> add(long build, BuildEvent.Kind kind, String stage, String reason, List<Artifact> artifacts,
                             List<ExtraPackage> extraPackages, List<String> logTail) {
        Counter counter = counters.getOrDefault(build, new Counter(1, null, 0));
        long seq = counter.lastSeq() + 1;
        if (kind.isFinal()) {
            counters.remove(build);
        } else {
            counters.put(build, new Counter(counter.attempt(), counter.lease(), seq));
        }
        Kept kept = new Kept(nextOrder++, new BuildEvent(build, counter.attempt(), seq, worker, kind, stage, reason,
            artifacts, Instant.now(), extraPackages, logTail, counter.lease()));
        // Ordered: the files are written, and the events queued, in the order they were made.
        return vertx.executeBlocking(() -> {
            writeDurably(eventFile(kept), kept.event().toJson().encode());
            if (kind.isFinal()) {
                // The run's end is on disk now: a restart must not report it lost.
                removeMarker(build);
            }
            return null;
        }, true).onComplete(written -> {
            if (written.failed()) {
                // Still worth sending: only a restart before the acknowledgement would lose it.
                LOG.error("could not keep event {} of build {} on disk; sending it anyway", seq, build,
                    written.cause());
            }
            queue.add(kept);
            send();
        }).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    }

    private void send() {
        if (sending || queue.isEmpty()) {
            return;
        }
        sending = true;
        Kept head = queue.peek();
        BuildEvent event = head.event();
        vertx.eventBus().request(Addresses.EVENTS, event.toJson(), new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MS))
            .onComplete(ack -> {
                sending = false;
                if (ack.succeeded()) {
                    queue.poll();
                    backoffMs = 0;
                    vertx.executeBlocking(() -> Files.deleteIfExists(eventFile(head)), true)
                        .onFailure(err -> LOG.warn("could not remove acknowledged event {}: {}", eventFile(head),
                            err.toString()));
                    send();
                } else {
                    backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(250, backoffMs * 2));
                    LOG.warn("event {} ({}) of build {} not acknowledged ({}); resending in {} ms", event.seq(),
                        event.kind(), event.buildId(), ack.cause().getMessage(), backoffMs);
                    vertx.setTimer(backoffMs, t -> send());
                }
            });
    }

    private Path eventFile(Kept kept) {
        BuildEvent e = kept.event();
        return dir.resolve(String.format("%016d-%d-%d-%d%s", kept.order(), e.buildId(), e.attempt(), e.seq(),
            EVENT_SUFFIX));
    }

    private Path runFile(long build) {
        return dir.resolve(RUN_PREFIX + build + ".json");
    }

    private List<Kept> readEvents() throws IOException {
        List<Kept> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(EVENT_SUFFIX)).sorted().toList()) {
                String name = file.getFileName().toString();
                try {
                    long order = Long.parseLong(name.substring(0, name.indexOf('-')));
                    out.add(new Kept(order, BuildEvent.fromJson(new JsonObject(Files.readString(file)))));
                } catch (RuntimeException e) {
                    LOG.error("dropping unreadable outbox file {}: {}", file, e.toString());
                    Files.deleteIfExists(file);
                }
            }
        }
        return out;
    }

    private List<Run> readRuns() throws IOException {
        List<Run> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(RUN_PREFIX)).sorted().toList()) {
                try {
                    JsonObject run = new JsonObject(Files.readString(file));
                    JsonArray tools = run.getJsonArray("tools", new JsonArray());
                    // Kept until the run's LOST event is on disk (see add): a crash before then reports it again.
                    out.add(new Run(run.getLong("build"), run.getInteger("attempt"), run.getString("lease"), tools.stream()
                        .map(t -> RecordedTool.fromJson((JsonObject) t)).toList()));
                } catch (RuntimeException e) {
                    LOG.error("dropping unreadable run marker {}: {}", file, e.toString());
                    Files.deleteIfExists(file);
                }
            }
        }
        return out;
    }

    /** Writes {@code text} under a temporary name, fsyncs it, renames it into place and fsyncs the folder. */
    private void writeDurably(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
    }
}
