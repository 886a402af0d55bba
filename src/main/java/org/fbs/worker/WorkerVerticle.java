package org.fbs.worker;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fbs.build.FileTrees;
import org.fbs.build.ImageKinds;
import org.fbs.config.WorkerSettings;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.CancelRequest;
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
 * ({@code worker.heartbeat-interval}), and whenever a slot frees. At start it reports the runs a previous process
 * left unfinished as lost (see {@link EventOutbox}) and removes their work dirs.
 */
public final class WorkerVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);

    private final WorkerSettings settings;
    private final LiveLogs live;
    /** The builds running here, with the attempt of each. */
    private final Map<Long, Integer> running = new LinkedHashMap<>();
    private final List<String> addresses = new ArrayList<>();
    private BuildRunner runner;
    /** What the probe at start found; read by the readiness check from another thread. */
    private volatile ToolProbe.Tools tools;
    private EventOutbox outbox;
    private WorkerExecutor builds;

    public WorkerVerticle(WorkerSettings settings, LiveLogs live) {
        this.settings = settings;
        this.live = live;
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
        runner = new BuildRunner(settings, found);
        outbox = new EventOutbox(vertx, settings.outboxDir(), settings.id());
        return outbox.start().compose(this::cleanLeftovers).compose(v -> takeOffers(found));
    }

    /** Removes the work dirs of runs a previous process left: nothing can resume them. */
    private Future<Void> cleanLeftovers(List<EventOutbox.Run> runs) {
        return vertx.executeBlocking(() -> {
            for (EventOutbox.Run run : runs) {
                FileTrees.delete(settings.workDir().resolve("builds").resolve(Long.toString(run.build())));
            }
            return null;
        });
    }

    private Future<?> takeOffers(ToolProbe.Tools found) {
        // Builds take hours: a pool of their own, without blocked-thread warnings.
        builds = vertx.createSharedWorkerExecutor("fbs-builds-" + settings.id(), settings.slots(), 7, TimeUnit.DAYS);
        List<Future<Void>> ready = new ArrayList<>();
        ready.add(vertx.eventBus().<JsonObject>consumer(Addresses.cancel(settings.id()), this::onCancel).completion());
        for (String arch : settings.arches()) {
            for (String release : settings.releases()) {
                String address = Addresses.build(arch, release);
                addresses.add(address);
                ready.add(vertx.eventBus().<JsonObject>consumer(address, this::onOffer).completion());
            }
        }
        return Future.all(ready).onSuccess(v -> {
            announce();
            vertx.setPeriodic(settings.heartbeatInterval().toMillis(), t -> announce());
            LOG.info("worker {} ready: builds {} images for {} with {} slot(s), logs at {}/log/<id>", settings.id(),
                found.kinds(), addresses, settings.slots(), settings.publicUrl());
        });
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            runner.stopTools();
            return null;
        }).eventually(builds::close);
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
        if (running.containsKey(id)) {
            if (running.get(id) == attempt) {
                // The master resent an offer whose answer it missed: it is ours already.
                msg.reply(OfferReply.accept(settings.id(), logUrl(id)).toJson());
            } else {
                // The master gave an earlier attempt up (we were out of reach); it is told to stop that one first.
                msg.reply(OfferReply.decline(settings.id(), "still stopping attempt " + running.get(id)).toJson());
            }
            return;
        }
        String cannot = cannotBuild(offer.spec());
        if (cannot != null) {
            msg.reply(OfferReply.decline(settings.id(), cannot).toJson());
            return;
        }
        if (running.size() >= settings.slots()) {
            msg.reply(OfferReply.decline(settings.id(), "no free slot").toJson());
            return;
        }
        running.put(id, attempt);
        // The run is on disk (a restart reports it) and its log exists before the answer, so that the log link the
        // master hands out works at once.
        vertx.executeBlocking(() -> {
                outbox.markRunning(id, attempt);
                return BuildLog.open(settings.logsDir(), id, vertx.eventBus(), live);
            })
            .onSuccess(log -> {
                outbox.begin(id, attempt);
                msg.reply(OfferReply.accept(settings.id(), logUrl(id)).toJson());
                run(id, offer.spec(), log);
            })
            .onFailure(err -> {
                running.remove(id);
                outbox.forget(id);
                LOG.error("cannot open the log of build {}", id, err);
                msg.reply(OfferReply.decline(settings.id(), "cannot write build logs: " + err.getMessage()).toJson());
            });
    }

    /** Why this worker cannot build {@code spec} (its tool was not found), or null if it can or cannot tell. */
    private String cannotBuild(JsonObject spec) {
        try {
            String kind = ImageKinds.of(SpecParser.fromJson(spec));
            return tools.kinds().contains(kind) ? null : tools.whyNot(kind);
        } catch (SpecException | RuntimeException e) {
            return null; // the build fails with the reason once it runs
        }
    }

    /** Stops a build this worker runs; its end is reported as a CANCELED event when its tools are gone. */
    private void onCancel(Message<JsonObject> msg) {
        long id;
        try {
            id = CancelRequest.fromJson(msg.body()).buildId();
        } catch (RuntimeException e) {
            msg.fail(400, "malformed cancel request");
            return;
        }
        boolean mine = running.containsKey(id);
        msg.reply(CancelRequest.answer(mine));
        if (mine) {
            LOG.info("build {}: canceled on request; stopping its tools", id);
            vertx.executeBlocking(() -> {
                runner.cancel(id);
                return null;
            }, false);
        }
    }

    /** Runs the build on a build thread; the log is closed there when the build ends. */
    private void run(long id, JsonObject specJson, BuildLog log) {
        builds.executeBlocking(() -> {
            try (log) {
                BuildSpec spec;
                try {
                    spec = SpecParser.fromJson(specJson);
                } catch (SpecException e) {
                    String reason = "the worker cannot read this spec: " + e.getMessage();
                    log.line("build failed: " + reason);
                    return BuildRunner.Outcome.failed(reason);
                }
                return runner.run(id, spec, log, stage -> context.runOnContext(v -> outbox.stage(id, stage)));
            }
        }, false).onComplete(done -> {
            if (done.failed()) {
                LOG.error("build {} broke on this worker", id, done.cause());
                finish(id, BuildRunner.Outcome.failed("worker error: " + done.cause().getMessage()), log.tail());
            } else {
                finish(id, done.result(), log.tail());
            }
        });
    }

    private void finish(long id, BuildRunner.Outcome outcome, List<String> logTail) {
        if (outcome.canceled()) {
            outbox.canceled(id, outcome.reason(), outcome.artifacts(), logTail);
        } else if (outcome.succeeded()) {
            outbox.succeeded(id, outcome.artifacts(), outcome.extraPackages(), logTail);
        } else {
            outbox.failed(id, outcome.reason(), outcome.artifacts(), logTail);
        }
        running.remove(id);
        announce();
    }

    /** This node's id in the cluster, so that the master can tell this worker is gone when the node leaves. */
    private String nodeId() {
        ClusterManager cluster = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
        return cluster == null ? null : cluster.getNodeId();
    }

    private String logUrl(long id) {
        return settings.publicUrl() + "/log/" + id;
    }

    private void announce() {
        WorkerStatus status = new WorkerStatus(settings.id(), settings.publicUrl(), addresses, settings.slots(),
            List.copyOf(running.keySet()), tools.kinds(), false, nodeId());
        vertx.eventBus().publish(Addresses.WORKERS, status.toJson());
    }
}
