package org.fbs.master;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.ImageKinds;
import org.fbs.build.QueuePlace;
import org.fbs.config.MasterLimits;
import org.fbs.config.MasterSettings;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.protocol.WorkerStatus;
import org.fbs.service.BuildChange;
import org.fbs.service.BuildChanges;
import org.fbs.service.MasterException;
import org.fbs.store.AsyncBuildStore;
import org.fbs.queue.BuildQueue;
import org.fbs.store.OutboxMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of build state on the master: stores new builds, offers queued ones to workers, and applies
 * the workers' events. Every change is written to the store before it is acknowledged.
 *
 * <p>The rules (what is offered next, per-owner limits, legal changes, requeue or fail, which events apply) are
 * {@link BuildQueue}'s; this verticle keeps the event bus, the timers and the store.
 *
 * <p>Offers go to one worker at a time, on its own address ({@link Addresses#offer}): one that announced itself
 * over the event bus with a free slot for the build. A node that joined the cluster but never announced itself
 * (without the event-bus key it cannot) is never offered anything, and a busy worker is not asked.
 *
 * <p>Leases: each offer is a lease, a fresh id with a deadline; the worker refuses an offer past its deadline and
 * stamps the lease on its events, and only events of the build's current lease are applied. A worker that was
 * given up on (partitioned, then back) cannot change a build another worker now runs: it is told to stop instead.
 *
 * <p>Worker loss: a worker is lost when it stays silent for the worker timeout or when its cluster node leaves
 * (Hazelcast membership, which notices a killed process in seconds). The builds it had go back to the queue for
 * another attempt (their leases declared dead), or fail once the retries are used up.
 */
public final class Dispatcher extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    static final long OFFER_TIMEOUT_MS = 10_000;
    static final long SWEEP_MS = 5_000;

    private final AsyncBuildStore store;
    private final BuildQueue queue;
    /** The last write of each build still on its way to disk: what a duplicate event's acknowledgement waits for. */
    private final Map<Long, Future<Void>> unsaved = new HashMap<>();
    private final WorkerDirectory workers;
    private final BuildMetrics metrics;
    private final Duration workerTimeout;
    /** The mail a change calls for, kept in the same transaction as the change. */
    private final Function<BuildChange, Optional<OutboxMail>> mailFor;
    private Instant startedAt;
    private MemberWatch members;

    /** A dispatcher with the default worker timeout and retries, that keeps no mails (tests). */
    public Dispatcher(AsyncBuildStore store, MeterRegistry registry) {
        this(store, registry, MasterSettings.DEFAULT_WORKER_TIMEOUT, MasterSettings.DEFAULT_MAX_RETRIES,
            MasterLimits.DEFAULT_MAX_QUEUED_PER_USER, change -> Optional.empty());
    }

    /**
     * @param workerTimeout    a worker silent for this long is lost
     * @param maxRetries       how often a build that lost its worker is queued again before it fails
     * @param maxQueuedPerUser {@code master.max-queued-per-user}: a submit past it fails TOO_MANY
     * @param mailFor          the mail each stored change calls for (the notifier's), written with the change
     */
    public Dispatcher(AsyncBuildStore store, MeterRegistry registry, Duration workerTimeout, int maxRetries,
                      int maxQueuedPerUser, Function<BuildChange, Optional<OutboxMail>> mailFor) {
        this.store = store;
        this.metrics = new BuildMetrics(registry);
        this.workerTimeout = workerTimeout;
        this.queue = new BuildQueue(Dispatcher::kindOf, maxQueuedPerUser, maxRetries);
        this.mailFor = mailFor;
        this.workers = new WorkerDirectory(workerTimeout);
    }

    @Override
    public Future<?> start() {
        return store.unfinished().compose(builds -> {
            builds.forEach(b -> {
                queue.put(b);
                metrics.stored(b);
            });
            var bus = vertx.eventBus();
            var consumers = List.of(
                LocalMasterService.serve(vertx, new LocalMasterService.Desk(this::submit, this::cancel,
                    this::placeInLine, workers::known)),
                bus.<JsonObject>consumer(Addresses.EVENTS, this::onEvent).completion(),
                bus.<JsonObject>consumer(Addresses.WORKERS, this::onWorker).completion());
            startedAt = Instant.now();
            members = MemberWatch.start(vertx, context, this::nodeLeft);
            vertx.setPeriodic(SWEEP_MS, id -> dispatchAll());
            // Often enough that a silent worker is noticed within a second of its timeout.
            vertx.setPeriodic(Math.max(100, Math.min(1_000, workerTimeout.toMillis() / 4)), id -> checkWorkers());
            return Future.all(consumers).onSuccess(v -> dispatchAll());
        });
    }

    @Override
    public Future<?> stop() {
        if (members != null) {
            members.close();
        }
        return store.close();
    }

    /** Stores and queues a new build; fails TOO_MANY, UNTRUSTED, or UNAVAILABLE when it could not be stored. */
    private Future<Build> submit(LocalMasterService.NewBuild request) {
        String tooMany = queue.refusal(request.owner());
        if (tooMany != null) {
            return Future.failedFuture(new MasterException(MasterException.Reason.TOO_MANY, tooMany));
        }
        String kind = ImageKinds.of(request.spec()).name();
        if (request.isolate() && workers.isolating(request.address(), kind) == 0) {
            return Future.failedFuture(new MasterException(MasterException.Reason.UNTRUSTED,
                OwnerCode.noIsolation(kind, WorkerDirectory.describe(request.address()))));
        }
        Build fresh = Build.queued(request.spec(), request.address(), request.owner(), request.isolate(),
            Instant.now());
        // Behind builds that wait for a reason, it waits for the same one (its lane is not walked again for it).
        String laneReason = queue.reasonOf(queue.laneFor(fresh));
        Build toStore = laneReason == null ? fresh : fresh.waiting(laneReason);
        return store.insert(toStore)
            .recover(err -> {
                LOG.error("could not store a new build", err);
                return Future.failedFuture(new MasterException(MasterException.Reason.UNAVAILABLE,
                    "the build could not be stored; nothing was queued"));
            })
            .onSuccess(stored -> {
                queue.put(stored);
                metrics.stored(stored);
                // After the answer: the build is offered once its submitter has it.
                context.runOnContext(v -> pump(stored.address()));
            });
    }

    /**
     * Where queued build {@code id} stands: its place among the builds queued for its arch and release (offered
     * oldest first), and how many workers build for them and how many of those have no free slot. Null when it is
     * not queued.
     */
    QueuePlace placeInLine(long id) {
        Build build = queue.get(id);
        if (build == null || build.state() != BuildState.QUEUED) {
            return null;
        }
        int ahead = queue.ahead(id);
        return new QueuePlace(ahead + 1, ahead, workers.serving(build.address()), workers.busy(build.address()),
            WorkerDirectory.describe(build.address()));
    }

    private void onWorker(Message<JsonObject> msg) {
        WorkerStatus status;
        try {
            status = WorkerStatus.fromJson(msg.body());
        } catch (RuntimeException e) {
            LOG.warn("dropping a malformed worker announcement: {}", e.toString());
            return;
        }
        if (!workers.knows(status.worker())) {
            LOG.info("worker {} announced itself ({} slot(s), {} free, for {}); offers go to {}", status.worker(),
                status.slots(), status.free(), status.addresses(), Addresses.offer(status.worker()));
        }
        workers.heard(status, Instant.now());
        stopStaleRuns(status);
        linkLogs(status.worker());
        if (status.free() > 0) {
            status.addresses().forEach(this::pump);
        }
    }

    /**
     * Tells a worker to stop each build it says it runs but which is no longer its own: given to another worker, or
     * back in the queue, after the master gave up on this one (it was partitioned, or too slow to announce), or
     * ended meanwhile. A build being offered right now is left alone: the worker may have just accepted it.
     */
    private void stopStaleRuns(WorkerStatus status) {
        for (long id : status.running()) {
            Build build = queue.get(id);
            if (queue.beingOffered(id) || BuildQueue.isWith(build, status.worker())) {
                continue;
            }
            LOG.warn("worker {} still runs build {}, which is no longer its own ({}); telling it to stop",
                status.worker(), id, build == null ? "ended" : build.state() + " on " + build.worker());
            tellToStop(status.worker(), id, null);
        }
    }

    /** Tells {@code worker} to stop its run of build {@code id} (of {@code lease}, or whatever run it has). */
    private void tellToStop(String worker, long id, String lease) {
        vertx.eventBus().request(Addresses.cancel(worker), new CancelRequest(id, lease).toJson(),
            new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS));
    }

    /** The builds a worker took before the master heard where it serves logs (after a master restart) get the link. */
    private void linkLogs(String worker) {
        queue.heldBy(worker).stream().filter(b -> b.logUrl() == null).forEach(b -> {
            String url = workers.logUrl(worker, b.id());
            if (url != null) {
                save(b.withLogUrl(url));
            }
        });
    }

    /**
     * Gives up on workers silent for the timeout, and on the workers of builds that the master has not heard from
     * since it started (they may have gone while it was down) or since it gave them the build.
     */
    private void checkWorkers() {
        Instant now = Instant.now();
        workers.expire(now).forEach(w -> workerLost(w, "no heartbeat for " + workerTimeout.toSeconds() + " s"));
        if (startedAt.plus(workerTimeout).isAfter(now)) {
            return;
        }
        for (String holder : queue.holders()) {
            if (workers.knows(holder)) {
                continue;
            }
            queue.heldBy(holder).stream()
                .filter(b -> lastChange(b).plus(workerTimeout).isBefore(now))
                .forEach(b -> requeueOrFail(b, "worker " + b.worker() + " was lost (not heard from for "
                    + workerTimeout.toSeconds() + " s)", now));
        }
    }

    private static Instant lastChange(Build build) {
        return build.history().get(build.history().size() - 1).at();
    }

    /** A cluster member left: the workers on it are gone with it, and Hazelcast knows it before any timeout. */
    private void nodeLeft(String node) {
        workers.departed(node).forEach(w -> workerLost(w, "its cluster node left"));
    }

    private void workerLost(String worker, String why) {
        List<Build> had = queue.heldBy(worker);
        LOG.warn("worker {} is lost ({}); builds it had: {}", worker, why, had.stream().map(Build::id).toList());
        Instant now = Instant.now();
        had.forEach(b -> requeueOrFail(b, "worker " + worker + " was lost (" + why + ")", now));
    }

    /**
     * The build's worker is gone: back to the queue for another attempt (its lease is dead: no event of it is applied
     * again, and the next run may take its staging folder over), or FAILED when it has had them all. Either way the
     * user hears of it (the notifier's requeue or finish mail).
     */
    private Future<Void> requeueOrFail(Build build, String cause, Instant now) {
        Build after = queue.afterLoss(build, cause, now);
        return save(after).onSuccess(v -> {
            if (after.state() == BuildState.QUEUED) {
                pump(after.address());
            }
        });
    }

    private void dispatchAll() {
        queue.addressesWithQueued().forEach(this::pump);
    }

    /**
     * Offers the oldest queued builds for {@code address} that a worker can take, each to a worker that has a free
     * slot for it, until no worker has one: a burst fills every free slot in one round trip, and busy workers are
     * not sent offers they must decline. Each answer pumps again.
     */
    private void pump(String address) {
        Build next;
        while ((next = queue.takeNext(address, this::whyNot, this::laneWaits)) != null) {
            BuildQueue.Lane lane = queue.laneOf(next.id());
            String worker = workers.pick(address, lane.kind(), lane.isolate());
            workers.offering(worker);
            Build offered = next;
            offer(offered, worker).onComplete(took -> {
                boolean accepted = took.succeeded() && took.result();
                workers.offered(worker, accepted);
                queue.offerEnded(offered.id());
                pump(address);
            });
        }
    }

    /** Why no worker can take a lane's builds now; null when one can (it announced a free slot for them). */
    private String whyNot(BuildQueue.Lane lane) {
        String where = WorkerDirectory.describe(lane.address());
        if (workers.serving(lane.address()) == 0) {
            return "no worker online for " + where;
        }
        if (workers.allDraining(lane.address())) {
            return "every worker for " + where + " is draining; waiting for one that takes builds";
        }
        if (workers.canBuild(lane.address(), lane.kind()) == 0) {
            return cannotBuild(lane.kind(), where);
        }
        if (lane.isolate() && workers.isolating(lane.address(), lane.kind()) == 0) {
            return OwnerCode.noIsolation(lane.kind(), where);
        }
        if (workers.pick(lane.address(), lane.kind(), lane.isolate()) == null) {
            String declining = workers.allDeclining(lane.address());
            if (declining != null) {
                return "no worker for " + where + " takes builds now: " + declining;
            }
            String trouble = workers.trouble(lane.address());
            return trouble != null ? trouble : "all workers for " + where + " are busy; waiting for a free slot";
        }
        return null;
    }

    /** Stores the reason a lane waits on the builds in it that do not show it yet. */
    private void laneWaits(BuildQueue.Lane lane, String reason) {
        queue.laneWaits(lane, reason).forEach(this::save);
    }

    /**
     * Offers {@code build} to {@code worker} under a fresh lease; completes with whether the worker took it. Never
     * fails, so the pump always goes on. An offer that goes unanswered declares its lease dead: the worker may have
     * taken it after all, and its run must not count.
     */
    private Future<Boolean> offer(Build build, String worker) {
        String lease = UUID.randomUUID().toString();
        long deadline = System.currentTimeMillis() + OFFER_TIMEOUT_MS;
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS);
        long offeredAt = System.nanoTime();
        JobOffer offer = new JobOffer(build.id(), build.spec(), build.attempt() + 1, build.isolate(), lease, deadline,
            build.deadLeases());
        return vertx.eventBus().<JsonObject>request(Addresses.offer(worker), offer.toJson(), options)
            .transform(sent -> {
                String where = WorkerDirectory.describe(build.address());
                if (sent.failed()) {
                    workers.full(worker, whyUnanswered(where, sent.cause()));
                    if (sent.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
                        LOG.warn("worker {} did not answer the offer of build {} (lease {}) in time; the lease is "
                            + "dead", worker, build.id(), lease);
                        Build now = queue.get(build.id());
                        if (now != null && now.state() == BuildState.QUEUED) {
                            save(now.leaseDied(lease));
                        }
                    } else {
                        LOG.warn("could not offer build {} to worker {}: {}", build.id(), worker,
                            sent.cause().toString());
                    }
                    return Future.succeededFuture(false);
                }
                OfferReply answer;
                try {
                    answer = OfferReply.fromJson(sent.result().body());
                } catch (RuntimeException e) {
                    LOG.warn("unreadable answer to the offer of build {} from worker {}: {}", build.id(), worker,
                        e.toString());
                    workers.full(worker, "a worker for " + where + " gave an unreadable answer");
                    return Future.succeededFuture(false);
                }
                if (!answer.accepted()) {
                    // It has no slot after all (or cannot build it): not asked again before it announces itself.
                    LOG.debug("worker {} declined build {}: {}", worker, build.id(), answer.reason());
                    workers.full(worker, null);
                    return Future.succeededFuture(false);
                }
                metrics.offerAccepted(Duration.ofNanos(System.nanoTime() - offeredAt));
                return assign(build.id(), worker, lease).transform(v -> Future.succeededFuture(true));
            });
    }

    private static String whyUnanswered(String where, Throwable err) {
        if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            return "no worker online for " + where;
        }
        if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
            return "a worker for " + where + " did not answer the offer; trying again";
        }
        return "could not offer the build to a worker for " + where + ": " + err.getMessage();
    }

    /** In the words of the kind: e.g. "no worker online has a pungi that builds DVDs for x86_64/41". */
    private static String cannotBuild(String kind, String where) {
        return ImageKinds.named(kind).noWorkerReason(where);
    }

    /** The image kind a build needs; its spec was valid when stored, so it parses. */
    private static String kindOf(Build build) {
        return ImageKinds.of(build.spec()).name();
    }

    /**
     * The worker took the build under {@code lease}. The worker is the one the offer went to, never the name in its
     * answer: only that worker's address got the lease.
     */
    private Future<Void> assign(long id, String worker, String lease) {
        Build build = queue.get(id);
        if (build == null || build.state() != BuildState.QUEUED) {
            // Canceled while the offer was out: the worker must not build it.
            LOG.warn("worker {} accepted build {} which is no longer queued; telling it to stop", worker, id);
            tellToStop(worker, id, lease);
            return Future.succeededFuture();
        }
        // The log link comes from the worker's announcement, never from the answer: the master reads only there.
        return save(build.assigned(worker, workers.logUrl(worker, id), Instant.now(), lease));
    }

    private void onEvent(Message<JsonObject> msg) {
        BuildEvent event;
        try {
            event = BuildEvent.fromJson(msg.body());
        } catch (RuntimeException e) {
            LOG.warn("dropping a malformed build event: {}", e.toString());
            msg.fail(400, "malformed event");
            return;
        }
        BuildQueue.Judged judged = queue.judge(event);
        switch (judged.verdict()) {
            case DONE -> acknowledgeUnapplied(msg, event.buildId());
            case STALE -> {
                // A lease the master gave up on (or never gave out): nothing of it is applied, whatever its attempt
                // number says, and a run of it still going is stopped. Acknowledged: it will never apply.
                Build build = judged.next();
                if (!event.kind().isFinal() && event.worker() != null) {
                    LOG.warn("ignoring a {} event for build {} from worker {} (lease {}): not the build's current "
                        + "lease ({}); telling the sender to stop that run", event.kind(), event.buildId(),
                        event.worker(), event.lease(), build == null ? "ended" : build.state() + ", lease "
                        + build.lease());
                    tellToStop(event.worker(), event.buildId(), event.lease());
                }
                acknowledgeUnapplied(msg, event.buildId());
            }
            case FOREIGN -> {
                // Only the worker that holds the lease may change the build: another node's word (a forged
                // SUCCEEDED, a stale worker) is not applied, and a sender that really runs it is told to stop.
                Build build = judged.next();
                LOG.warn("ignoring a {} event for build {} from worker {}: the build is with worker {}; telling the "
                    + "sender to stop it", event.kind(), event.buildId(), event.worker(), build.worker());
                if (event.worker() != null && !event.kind().isFinal()) {
                    tellToStop(event.worker(), event.buildId(), event.lease());
                }
                msg.fail(403, "build " + event.buildId() + " is not with worker " + event.worker());
            }
            case LOST -> {
                Build after = judged.next();
                save(after)
                    .onSuccess(v -> {
                        msg.reply(null);
                        if (after.state() == BuildState.QUEUED) {
                            pump(after.address());
                        }
                    })
                    .onFailure(err -> msg.fail(500, "not stored: " + err.getMessage()));
            }
            case APPLY -> save(judged.next(), event.logTail())
                .onSuccess(v -> msg.reply(null))
                .onFailure(err -> msg.fail(500, "not stored: " + err.getMessage()));
        }
    }

    /**
     * Acknowledges an event that changes nothing, once the build's last change is on disk: the worker forgets an
     * acknowledged event, so it must not be acknowledged on the strength of a change a crash could still undo.
     */
    private void acknowledgeUnapplied(Message<JsonObject> msg, long buildId) {
        Future<Void> pending = unsaved.get(buildId);
        if (pending == null) {
            msg.reply(null);
        } else {
            pending.onComplete(v -> msg.reply(null));
        }
    }

    /**
     * Cancels a build: a queued one at once, without touching a worker; a running one by telling its worker, which
     * reports CANCELED once its tools are gone. Completes with the build; fails NOT_FOUND (unknown) or CONFLICT
     * (already ended). Who may cancel is the service's concern (the owner or an admin), not the dispatcher's.
     */
    private Future<Build> cancel(long id) {
        Build build = queue.get(id);
        if (build == null) {
            return store.get(id).compose(found -> Future.failedFuture(found.isEmpty()
                ? new MasterException(MasterException.Reason.NOT_FOUND, "no such build")
                : new MasterException(MasterException.Reason.CONFLICT, "build " + id + " has already ended: "
                    + found.get().state())));
        }
        if (build.state() == BuildState.QUEUED) {
            Build canceled = build.finished(BuildState.CANCELED, "canceled before a worker took it", List.of(),
                Instant.now(), build.lastSeq());
            return save(canceled).map(canceled);
        }
        return vertx.eventBus().<JsonObject>request(Addresses.cancel(build.worker()),
                new CancelRequest(id, build.lease()).toJson(), new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS))
            .transform(answer -> {
                Build now = queue.get(id);
                if (now == null) {
                    return store.get(id).transform(found -> Future.succeededFuture(
                        found.succeeded() && found.result().isPresent() ? found.result().get() : build));
                } else if (answer.succeeded() && answer.result().body().getBoolean("stopping", false)) {
                    return Future.succeededFuture(Build.fromJson(now.toJson().put("reason", "cancel requested; worker "
                        + now.worker() + " is stopping the build")));
                }
                // The worker is gone or does not run it: nothing runs, so the build ends here.
                Build canceled = now.finished(BuildState.CANCELED, "canceled; worker " + now.worker()
                    + " was not running it", List.of(), Instant.now(), now.lastSeq());
                return save(canceled).map(canceled);
            });
    }

    /** Writes a changed build and keeps the in-memory view in step. */
    private Future<Void> save(Build build) {
        return save(build, List.of());
    }

    /**
     * Writes a changed build, keeps the in-memory view in step, and tells the notifier once it is stored. A build
     * that has ended is kept without the passwords in its spec: nothing needs them any more.
     */
    private Future<Void> save(Build changed, List<String> logTail) {
        Build build = changed.state().isFinal() ? changed.withoutSecrets() : changed;
        Build before = queue.get(build.id());
        try {
            queue.put(build);
        } catch (IllegalStateException illegal) {
            // A bug, not the user's doing: the change is not made, and the caller's message fails instead of hanging.
            LOG.error("refusing a change of build {}: {}", build.id(), illegal.getMessage());
            return Future.failedFuture(illegal);
        }
        BuildChange change = new BuildChange(before == null ? null : before.state(), build, logTail);
        Future<Void> written = store.update(build, mailFor.apply(change))
            .onSuccess(v -> {
                metrics.stored(build);
                BuildChanges.publish(vertx, change);
            })
            .onFailure(err -> LOG.error("could not store build {}", build.id(), err));
        unsaved.put(build.id(), written);
        written.onComplete(v -> unsaved.remove(build.id(), written));
        return written;
    }
}
