package org.fbs.worker;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.fbs.cluster.membership.Membership;
import org.fbs.build.FileTrees;
import org.fbs.build.ImageKinds;
import org.fbs.config.WorkerSettings;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.DrainRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.protocol.WorkerStatus;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes job offers for the arches and releases this worker builds, while it has a free slot, runs each build
 * on a thread of its own and reports to the master. Announces itself at start, on a heartbeat
 * ({@code worker.heartbeat-interval}), and whenever a slot frees or it starts or stops draining. At start it stops
 * the tools of the runs a previous process left unfinished (a worker killed outright leaves them running), removes
 * their work dirs and reports the runs as lost (see {@link EventOutbox}). While draining it takes no offers (it stops
 * consuming them, and declines any still on the way) and finishes what it runs; asked to exit, it then runs
 * {@code exit} once its last build has ended and its events are acknowledged. Stopped (SIGTERM), it stops its tools
 * and leaves the builds they ended to be queued again, as those of a lost worker.
 */
public final class WorkerVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
    /** How long an exiting worker waits for the master to acknowledge its last events (they are resent later). */
    static final long EXIT_ACK_WAIT_MS = 30_000;
    /**
     * How long a stopping worker waits for its builds to end once their tools are gone (they end within the tool
     * output's drain time); with the tools' grace, within the 25 s Main gives the whole shutdown.
     */
    static final long STOP_WAIT_MS = 8_000;

    private final WorkerSettings settings;
    private final LiveLogs live;
    /** A run here: the attempt (for people) and the lease (the master's id of this assignment; null without one). */
    private record Held(int attempt, String lease) {
    }

    /** The builds running here, with the lease of each. */
    private final Map<Long, Held> running = new LinkedHashMap<>();
    /**
     * The end of each build running here (its run on a build thread, then its last event on disk), and of each offer
     * being decided (its run being marked and its log opened; once the stop began, declined and its run marker
     * removed): what a stopping worker waits for.
     */
    private final Map<Long, Future<?>> ends = new LinkedHashMap<>();
    private final Map<Long, Future<?>> offersDeciding = new LinkedHashMap<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<MessageConsumer<JsonObject>> offers = new ArrayList<>();
    /** What "drain and exit" does once the builds are done: Main exits the process. */
    private final Runnable exit;
    private boolean draining;
    private boolean exitWhenDone;
    private boolean exiting;
    private boolean stopping;
    private BuildRunner runner;
    /** What the probe at start found; read by the readiness check from another thread. */
    private volatile ToolProbe.Tools tools;
    private EventOutbox outbox;
    private WorkerExecutor builds;
    /** The least free disk where it writes, at the last look (-1: not looked yet). */
    private long freeDisk = -1;
    /** The host's load average at the last look (negative: unknown). */
    private double load = -1;
    /** Why it declines builds now (too little free disk), or null: at the last look. */
    private String declining;

    public WorkerVerticle(WorkerSettings settings, LiveLogs live, Runnable exit) {
        this.settings = settings;
        this.live = live;
        this.exit = exit;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> ToolProbe.probe(settings)).compose(this::start);
    }

    /** The tools found at start, or null before the probe has run. */
    ToolProbe.Tools tools() {
        return tools;
    }

    private Future<?> start(ToolProbe.Tools found) {
        tools = found;
        found.byName().values().forEach(tool -> LOG.info("worker {}: tool {}", settings.id(), tool.describe()));
        outbox = new EventOutbox(vertx, settings.outboxDir(), settings.id());
        runner = new BuildRunner(settings, found, "", outbox::recordTools);
        return outbox.start()
            .compose(runs -> cleanLeftovers(runs).compose(v -> outbox.reportLost(runs)))
            .compose(v -> listen(found));
    }

    /**
     * Stops the tools of runs a previous process left (and what they started), then removes their work dirs:
     * nothing can resume them, and a tool left running would go on writing there.
     */
    private Future<Void> cleanLeftovers(List<EventOutbox.Run> runs) {
        return vertx.executeBlocking(() -> {
            for (EventOutbox.Run run : runs) {
                int stopped = RunningTools.stopRecorded(run.tools());
                if (stopped > 0) {
                    LOG.warn("build {} (attempt {}): stopped {} tool process(es) the previous worker process left "
                        + "running, and what they started", run.build(), run.attempt(), stopped);
                }
                FileTrees.delete(BuildRunner.workDirOf(settings.workDir(), run.build(), run.attempt()));
            }
            return null;
        });
    }

    private Future<?> listen(ToolProbe.Tools found) {
        // Builds take hours: a pool of their own, without blocked-thread warnings.
        builds = vertx.createSharedWorkerExecutor("fbs-builds-" + settings.id(), settings.slots(), 7, TimeUnit.DAYS);
        List<Future<Void>> ready = new ArrayList<>();
        ready.add(vertx.eventBus().<JsonObject>consumer(Addresses.cancel(settings.id()), this::onCancel).completion());
        ready.add(vertx.eventBus().<JsonObject>consumer(Addresses.drain(settings.id()), this::onDrain).completion());
        // Offers come to this worker's own address once it has announced itself (the master targets a free slot).
        ready.add(vertx.eventBus().<JsonObject>consumer(Addresses.offer(settings.id()), this::onOffer).completion());
        for (String arch : settings.arches()) {
            for (String release : settings.releases()) {
                addresses.add(Addresses.build(arch, release));
            }
        }
        ready.add(takeOffers());
        return Future.all(ready).onSuccess(v -> {
            announce();
            vertx.setPeriodic(settings.heartbeatInterval().toMillis(), t -> announce());
            LOG.info("worker {} ready: builds {} images for {} with {} slot(s), logs at {}/log/<id>", settings.id(),
                found.kinds(), addresses, settings.slots(), settings.publicUrl());
        });
    }

    /**
     * Stops the tools, waits (bounded) for the builds to end, and reports none of the builds the stop ended: their
     * run markers stay. The master requeues them as it does a lost worker's, when this node leaves the cluster (or
     * when its heartbeats stop), and a restart on this work dir reports them LOST (a standalone node's master is
     * stopping too). Sending LOST now instead would need the master's acknowledgement within the shutdown's time,
     * and the markers would still be needed when it does not come.
     */
    @Override
    public Future<?> stop() {
        stopping = true;
        return vertx.executeBlocking(() -> {
            runner.stopTools();
            return null;
        }).compose(v -> {
            List<Future<?>> waits = new ArrayList<>(ends.values());
            waits.addAll(offersDeciding.values());
            return Future.join(waits).timeout(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        })
            .onFailure(err -> LOG.warn("worker {}: stopping without waiting longer for its builds to end: {}",
                settings.id(), err.toString()))
            .eventually(builds::close)
            .eventually(outbox::close);
    }

    private void onOffer(Message<JsonObject> msg) {
        JobOffer offer;
        try {
            offer = JobOffer.fromJson(msg.body());
        } catch (RuntimeException e) {
            msg.fail(400, "malformed job offer");
            return;
        }
        long id = offer.buildId();
        int attempt = offer.attempt();
        String lease = offer.lease();
        if (offer.lapsed(Instant.now(), JobOffer.MAX_CLOCK_SKEW)) {
            // Held up on the way (a partition): the master stopped waiting for the answer and gave the lease up, so a
            // run of it would be a second copy of the build that nobody counts.
            LOG.warn("build {}: refusing the offer of lease {} (attempt {}): it lapsed at {}, {} ago", id, lease,
                attempt, Instant.ofEpochMilli(offer.deadline()),
                Duration.ofMillis(System.currentTimeMillis() - offer.deadline()));
            msg.reply(OfferReply.decline(settings.id(), "the offer lapsed at " + Instant.ofEpochMilli(offer.deadline())
                + " before it arrived").toJson());
            return;
        }
        Held held = running.get(id);
        if (held != null) {
            if (held.attempt() == attempt && java.util.Objects.equals(held.lease(), lease)) {
                // The master resent an offer whose answer it missed: it is ours already.
                msg.reply(OfferReply.accept(settings.id()).toJson());
            } else {
                // The master gave an earlier run up (we were out of reach); it is told to stop that one first.
                msg.reply(OfferReply.decline(settings.id(), "still stopping attempt " + held.attempt()).toJson());
            }
            return;
        }
        if (draining || stopping) {
            msg.reply(OfferReply.decline(settings.id(), "worker " + settings.id() + " is "
                + (stopping ? "stopping" : "draining")).toJson());
            return;
        }
        if (declining != null) {
            msg.reply(OfferReply.decline(settings.id(), "worker " + settings.id() + " has " + declining).toJson());
            return;
        }
        String cannot = offer.isolate() ? notIsolated(offer.spec()) : null;
        if (cannot == null) {
            cannot = cannotBuild(offer.spec());
        }
        if (cannot != null) {
            msg.reply(OfferReply.decline(settings.id(), cannot).toJson());
            return;
        }
        if (running.size() >= settings.slots()) {
            msg.reply(OfferReply.decline(settings.id(), "no free slot").toJson());
            return;
        }
        running.put(id, new Held(attempt, lease));
        // The run is on disk (a restart reports it) and its log exists before the answer, so that the log link the
        // master hands out works at once. The disk is looked at and the log opened in one blocking call, while the
        // marker, which shares an fsync with whatever else the journal writes, is made beside them: an offer waits
        // behind no other build's writes, and its marker not behind its log. A declined offer's marker is removed.
        Future<BuildLog> opened = vertx.executeBlocking(() -> {
            // Looked at again now: the last announcement's look may be seconds old.
            String shortage = DiskSpace.shortage(DiskSpace.of(diskFolders()), settings.minFreeDisk());
            if (shortage != null) {
                throw new LowDisk(shortage);
            }
            return BuildLog.open(settings.logsDir(), id, vertx.eventBus(), live, settings.maxLogLine());
        }, false);
        Future<Void> marked = outbox.markRunning(id, attempt, lease);
        Promise<Void> decided = Promise.promise();
        offersDeciding.put(id, decided.future());
        decided.future().onComplete(done -> offersDeciding.remove(id));
        Future.join(marked, opened)
            .onSuccess(both -> {
                BuildLog log = opened.result();
                if (stopping) {
                    // The stop began while the run was being marked: no build is handed to a worker that exits.
                    running.remove(id);
                    msg.reply(OfferReply.decline(settings.id(), "worker " + settings.id() + " is stopping").toJson());
                    close(log).eventually(() -> outbox.forget(id)).onComplete(done -> decided.complete());
                    return;
                }
                outbox.begin(id, attempt, lease);
                msg.reply(OfferReply.accept(settings.id()).toJson());
                run(id, attempt, lease, offer.deadLeases(), offer.spec(), offer.isolate(), log);
                decided.complete();
            })
            .onFailure(err -> {
                if (opened.succeeded()) {
                    close(opened.result());
                }
                running.remove(id);
                if (err instanceof LowDisk low) {
                    LOG.warn("worker {}: declining build {}: {}", settings.id(), id, low.getMessage());
                    msg.reply(OfferReply.decline(settings.id(), "worker " + settings.id() + " has "
                        + low.getMessage()).toJson());
                    announce();
                } else {
                    LOG.error("cannot record the run of build {} or open its log", id, err);
                    msg.reply(OfferReply.decline(settings.id(), "cannot record the run or open its log: "
                        + err.getMessage()).toJson());
                }
                outbox.forget(id).onComplete(done -> decided.complete());
            });
    }

    private Future<Void> close(BuildLog log) {
        return vertx.executeBlocking(() -> {
            log.close();
            return null;
        }, false);
    }

    /**
     * Why this worker must not run an untrusted owner's {@code spec}: its isolation does not hold that kind's code
     * (the master offers such builds only to isolating workers; this holds when it is older, or not ours). Null when
     * it may.
     */
    private String notIsolated(JsonObject spec) {
        String kind;
        try {
            kind = ImageKinds.of(SpecParser.fromJson(spec)).name();
        } catch (SpecException | RuntimeException e) {
            return "worker " + settings.id() + " cannot read the spec of a build that needs isolation";
        }
        if (settings.isolation().covers(kind)) {
            return null;
        }
        return "worker " + settings.id() + " runs " + ImageKinds.describe(kind) + " builds without isolation"
            + " (worker.isolation: " + settings.isolation().label() + "), and this build's owner is not trusted";
    }

    /**
     * Why this worker cannot build {@code spec} (its tool was not found, or cannot build it), or null if it can or
     * cannot tell.
     */
    private String cannotBuild(JsonObject spec) {
        try {
            String kind = ImageKinds.of(SpecParser.fromJson(spec)).name();
            return tools.kinds().contains(kind) ? null : tools.whyNot(kind);
        } catch (SpecException | RuntimeException e) {
            return null; // the build fails with the reason once it runs
        }
    }

    /** Stops a build this worker runs; its end is reported as a CANCELED event when its tools are gone. */
    private void onCancel(Message<JsonObject> msg) {
        CancelRequest request;
        try {
            request = CancelRequest.fromJson(msg.body());
        } catch (RuntimeException e) {
            msg.fail(400, "malformed cancel request");
            return;
        }
        long id = request.buildId();
        Held held = running.get(id);
        // A stop for another lease's run (one the master gave up on) leaves the run of this lease alone.
        boolean mine = held != null && (request.lease() == null || request.lease().equals(held.lease()));
        msg.reply(CancelRequest.answer(mine));
        if (mine) {
            LOG.info("build {} (lease {}): canceled on request; stopping its tools", id, held.lease());
            vertx.executeBlocking(() -> {
                runner.cancel(id);
                return null;
            }, false);
        }
    }

    /** Runs the build on a build thread; the log is closed there when the build ends. */
    private void run(long id, int attempt, String lease, List<String> deadLeases, JsonObject specJson,
                     boolean isolate, BuildLog log) {
        Future<BuildRunner.Outcome> end = builds.executeBlocking(() -> {
            try (log) {
                BuildSpec spec;
                try {
                    spec = SpecParser.fromJson(specJson);
                } catch (SpecException e) {
                    String reason = "the worker cannot read this spec: " + e.getMessage();
                    log.line("build failed: " + reason);
                    return new BuildRunner.Outcome.Failed(reason);
                }
                return runner.run(id, attempt, lease, Set.copyOf(deadLeases), spec, isolate, log,
                    stage -> context.runOnContext(v -> outbox.stage(id, stage)));
            }
        }, false);
        // The end is handled on this verticle's event loop, where the build's stage events were queued: the build
        // pool's future completes on a pool thread, and an end queued from there could overtake those events (the
        // master then ended a build without its stages) and race this verticle's state.
        Promise<BuildRunner.Outcome> ended = Promise.promise();
        end.onComplete(done -> context.runOnContext(v -> ended.handle(done)));
        // A stopping worker waits for the end's event to be on disk too: it must not be cut off by the stop.
        ends.put(id, ended.future().transform(done -> {
            if (done.succeeded()) {
                return finish(id, done.result(), log.tail());
            }
            if (stopping) {
                // The build threads are interrupted when their pool closes at the stop: no fault of the build's.
                return finish(id, new BuildRunner.Outcome.WorkerStopped("worker error: " + done.cause()), log.tail());
            }
            LOG.error("build {} broke on this worker", id, done.cause());
            return finish(id, new BuildRunner.Outcome.Failed("worker error: " + done.cause().getMessage()), log.tail());
        }).onComplete(done -> ends.remove(id)));
    }

    /**
     * Reports the end of a build, or, when the worker's stop ended it, keeps its run marker for a requeue. Only
     * {@code WorkerStopped} says so: BuildRunner gives it for every end the stop caused (its tools stopped under it,
     * in any stage; a stage ended early), while a build that failed by itself before it, whose end the stop merely
     * follows, is reported FAILED and does not spend a retry.
     */
    private Future<Void> finish(long id, BuildRunner.Outcome outcome, List<String> logTail) {
        if (outcome instanceof BuildRunner.Outcome.WorkerStopped) {
            // Not the build's failure: its run marker stays, and it is queued again (see stop()).
            LOG.info("build {} (attempt {}) ended with the worker's stop; it will be queued again", id,
                running.remove(id).attempt());
            return Future.succeededFuture();
        }
        Future<Void> reported;
        if (outcome instanceof BuildRunner.Outcome.Succeeded done) {
            reported = outbox.succeeded(id, done.artifacts(), done.extraPackages(), logTail);
        } else if (outcome instanceof BuildRunner.Outcome.Canceled canceled) {
            reported = outbox.canceled(id, canceled.reason(), canceled.artifacts(), logTail);
        } else {
            reported = outbox.failed(id, outcome.reason(), outcome.artifacts(), logTail);
        }
        running.remove(id);
        announce();
        exitIfDone();
        return reported;
    }

    /** Offers for every arch and release this worker builds reach it (again). */
    private Future<Void> takeOffers() {
        List<Future<Void>> ready = new ArrayList<>();
        for (String address : addresses) {
            MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, this::onOffer);
            offers.add(consumer);
            ready.add(consumer.completion());
        }
        return Future.all(ready).mapEmpty();
    }

    /** No offer reaches this worker any more: the event bus sends them to the other workers, or none. */
    private Future<Void> stopOffers() {
        List<Future<Void>> gone = offers.stream().map(MessageConsumer::unregister).toList();
        offers.clear();
        return Future.all(gone).mapEmpty();
    }

    /** Drain (take nothing new, finish what runs, exit when asked) or undrain; replies with the new status. */
    private void onDrain(Message<JsonObject> msg) {
        DrainRequest request;
        try {
            request = DrainRequest.fromJson(msg.body());
        } catch (RuntimeException e) {
            msg.fail(400, "malformed drain request");
            return;
        }
        if (exiting) {
            msg.fail(409, "worker " + settings.id() + " is exiting");
            return;
        }
        Future<Void> changed = Future.succeededFuture();
        if (request.drain() && !draining) {
            changed = stopOffers();
        } else if (!request.drain() && draining) {
            changed = takeOffers();
        }
        draining = request.drain();
        exitWhenDone = request.drain() && request.exit();
        LOG.info("worker {}: {}; {} build(s) running", settings.id(), !draining ? "undrained: taking builds again"
            : exitWhenDone ? "draining: will exit once its builds are done" : "draining: taking no new builds",
            running.size());
        changed.onComplete(done -> {
            announce();
            msg.reply(status().toJson());
            exitIfDone();
        });
    }

    /** Once drained with exit and idle: waits (bounded) for the master's acknowledgements, then exits. */
    private void exitIfDone() {
        if (!exitWhenDone || !running.isEmpty() || exiting) {
            return;
        }
        exiting = true;
        long deadline = System.nanoTime() + EXIT_ACK_WAIT_MS * 1_000_000;
        vertx.setPeriodic(0, 100, timer -> {
            boolean acknowledged = outbox.isEmpty();
            if (acknowledged || System.nanoTime() - deadline > 0) {
                vertx.cancelTimer(timer);
                if (acknowledged) {
                    LOG.info("worker {} drained: no builds left, every event acknowledged; exiting", settings.id());
                } else {
                    LOG.warn("worker {} drained: exiting with events the master has not acknowledged yet",
                        settings.id());
                }
                exit.run();
            }
        });
    }

    /** This node's id in the cluster, so that the master can tell this worker is gone when the node leaves. */
    private String nodeId() {
        return Membership.of(vertx).nodeId();
    }

    /** Looks at its free disk and load (off the event loop), then tells the master. */
    private void announce() {
        vertx.executeBlocking(() -> {
            List<DiskSpace.Free> free = DiskSpace.of(diskFolders());
            return new Look(DiskSpace.least(free), DiskSpace.shortage(free, settings.minFreeDisk()),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }, false).onComplete(looked -> {
            if (looked.succeeded()) {
                Look look = looked.result();
                if (!java.util.Objects.equals(declining, look.shortage())) {
                    if (look.shortage() != null) {
                        LOG.warn("worker {}: declining builds: {}", settings.id(), look.shortage());
                    } else if (declining != null) {
                        LOG.info("worker {}: enough free disk again; taking builds", settings.id());
                    }
                }
                freeDisk = look.free();
                declining = look.shortage();
                load = look.load();
            }
            vertx.eventBus().publish(Addresses.WORKERS, status().toJson());
        });
    }

    /** What one look at the host found. */
    private record Look(long free, String shortage, double load) {
    }

    /** Where builds write: the work dir (work dirs, logs, kept artifacts) and the staging roots. */
    private List<java.nio.file.Path> diskFolders() {
        List<java.nio.file.Path> folders = new ArrayList<>();
        folders.add(settings.workDir());
        folders.addAll(settings.stagingRoots());
        return folders;
    }

    private WorkerStatus status() {
        return new WorkerStatus(settings.id(), settings.publicUrl(), addresses, settings.slots(),
            List.copyOf(running.keySet()), tools.kinds(), draining, nodeId(), tools.announced(),
            settings.isolation().label(), freeDisk, load, declining);
    }

    /** Too little free disk to take a build; the message says where and how much. */
    private static final class LowDisk extends Exception {
        private static final long serialVersionUID = 1L;

        LowDisk(String shortage) {
            super(shortage, null, false, false);
        }
    }
}
