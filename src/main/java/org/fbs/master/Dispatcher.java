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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.ImageKinds;
import org.fbs.build.QueuePlace;
import org.fbs.config.MasterLimits;
import org.fbs.config.MasterSettings;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildChange;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.protocol.WorkerStatus;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.OutboxMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of build state on the master: stores new builds, offers queued ones to workers, and applies
 * the workers' events. Every change is written to the store before it is acknowledged.
 *
 * <p>Worker loss: a worker is lost when it stays silent for the worker timeout or when its cluster node leaves
 * (Hazelcast membership, which notices a killed process in seconds). The builds it had go back to the queue for
 * another attempt, or fail once the retries are used up. Each attempt has its number; worker events carry it, and
 * only events of the build's current attempt are applied, so a worker that was given up on (partitioned, then
 * back) cannot change a build another worker now runs: it is told to stop instead.
 */
public final class Dispatcher extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    static final long OFFER_TIMEOUT_MS = 10_000;
    static final long SWEEP_MS = 5_000;
    /** The most offers in flight for one address, however many slots its workers announce. */
    static final int MAX_OFFERS_IN_FLIGHT = 64;

    private final AsyncBuildStore store;
    /** Builds that have not ended, by id (so in submission order). */
    private final Map<Long, Build> active = new TreeMap<>();
    /** Offers in flight per address, and the builds they are for (each build is offered once at a time). */
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Set<Long> beingOffered = new HashSet<>();
    /** The last write of each build still on its way to disk: what a duplicate event's acknowledgement waits for. */
    private final Map<Long, Future<Void>> unsaved = new HashMap<>();
    private final WorkerDirectory workers;
    private final BuildMetrics metrics;
    /** {@code master.max-queued-per-user}: a submit past it fails with {@link #TOO_MANY_QUEUED}. */
    private final int maxQueuedPerUser;
    /** The failure code of a submit refused because its owner has too many builds queued (HTTP 429). */
    public static final int TOO_MANY_QUEUED = 429;
    /** The failure code of a submit refused because it needs isolation no online worker has (HTTP 403). */
    public static final int NOT_ISOLATED = 403;
    private final Duration workerTimeout;
    private final int maxRetries;
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
     * @param maxQueuedPerUser {@code master.max-queued-per-user}: a submit past it fails with {@link #TOO_MANY_QUEUED}
     * @param mailFor          the mail each stored change calls for (the notifier's), written with the change
     */
    public Dispatcher(AsyncBuildStore store, MeterRegistry registry, Duration workerTimeout, int maxRetries,
                      int maxQueuedPerUser, Function<BuildChange, Optional<OutboxMail>> mailFor) {
        this.store = store;
        this.metrics = new BuildMetrics(registry);
        this.workerTimeout = workerTimeout;
        this.maxRetries = maxRetries;
        this.maxQueuedPerUser = maxQueuedPerUser;
        this.mailFor = mailFor;
        this.workers = new WorkerDirectory(workerTimeout);
    }

    @Override
    public Future<?> start() {
        return store.unfinished().compose(builds -> {
            builds.forEach(b -> {
                active.put(b.id(), b);
                metrics.stored(b);
            });
            var bus = vertx.eventBus();
            var consumers = List.of(
                bus.<JsonObject>localConsumer(Addresses.MASTER_SUBMIT, this::submit).completion(),
                bus.<JsonObject>localConsumer(Addresses.MASTER_WORKERS, m -> m.reply(workers.toJson())).completion(),
                bus.<JsonObject>localConsumer(Addresses.MASTER_CANCEL, this::cancel).completion(),
                bus.<JsonObject>localConsumer(Addresses.MASTER_QUEUE, m -> {
                    QueuePlace place = placeInLine(m.body().getLong("build", 0L));
                    m.reply(place == null ? null : place.toJson());
                }).completion(),
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

    private void submit(Message<JsonObject> msg) {
        JsonObject body = msg.body();
        String owner = body.getString("owner");
        long queued = active.values().stream()
            .filter(b -> b.state() == BuildState.QUEUED && java.util.Objects.equals(b.owner(), owner)).count();
        if (queued >= maxQueuedPerUser) {
            msg.fail(TOO_MANY_QUEUED, owner + " already has " + queued + " builds waiting in the queue, the most "
                + "master.max-queued-per-user allows (" + maxQueuedPerUser + "); submit again once one has started");
            return;
        }
        boolean isolate = body.getBoolean("isolate", false);
        String kind = ImageKinds.of(body.getJsonObject("spec")).name();
        if (isolate && workers.isolating(body.getString("address"), kind) == 0) {
            msg.fail(NOT_ISOLATED, OwnerCode.noIsolation(kind, WorkerDirectory.describe(body.getString("address"))));
            return;
        }
        Build fresh = Build.queued(body.getJsonObject("spec"), body.getString("address"), body.getString("owner"),
            isolate, Instant.now());
        store.insert(fresh)
            .onSuccess(stored -> {
                active.put(stored.id(), stored);
                metrics.stored(stored);
                msg.reply(stored.toJson());
                pump(stored.address());
            })
            .onFailure(err -> {
                LOG.error("could not store a new build", err);
                msg.fail(500, "the build could not be stored");
            });
    }

    /**
     * Where queued build {@code id} stands: its place among the builds queued for its arch and release (offered
     * oldest first), and how many workers build for them and how many of those have no free slot. Null when it is
     * not queued.
     */
    QueuePlace placeInLine(long id) {
        Build build = active.get(id);
        if (build == null || build.state() != BuildState.QUEUED) {
            return null;
        }
        int ahead = (int) active.values().stream()
            .filter(b -> b.state() == BuildState.QUEUED && b.address().equals(build.address()) && b.id() < id)
            .count();
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
            Build build = active.get(id);
            if (beingOffered.contains(id) || (build != null && isWith(build, status.worker()))) {
                continue;
            }
            LOG.warn("worker {} still runs build {}, which is no longer its own ({}); telling it to stop",
                status.worker(), id, build == null ? "ended" : build.state() + " on " + build.worker());
            vertx.eventBus().request(Addresses.cancel(status.worker()), new CancelRequest(id).toJson(),
                new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS));
        }
    }

    /** The builds a worker took before the master heard where it serves logs (after a master restart) get the link. */
    private void linkLogs(String worker) {
        active.values().stream().filter(b -> isWith(b, worker) && b.logUrl() == null).toList().forEach(b -> {
            String url = workers.logUrl(worker, b.id());
            if (url != null) {
                save(b.withLogUrl(url));
            }
        });
    }

    private static boolean isWith(Build build, String worker) {
        return (build.state() == BuildState.ASSIGNED || build.state() == BuildState.RUNNING)
            && worker.equals(build.worker());
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
        active.values().stream()
            .filter(b -> (b.state() == BuildState.ASSIGNED || b.state() == BuildState.RUNNING)
                && !workers.knows(b.worker())
                && lastChange(b).plus(workerTimeout).isBefore(now))
            .toList()
            .forEach(b -> requeueOrFail(b, "worker " + b.worker() + " was lost (not heard from for "
                + workerTimeout.toSeconds() + " s)", now));
    }

    private static Instant lastChange(Build build) {
        return build.history().get(build.history().size() - 1).at();
    }

    /** A cluster member left: the workers on it are gone with it, and Hazelcast knows it before any timeout. */
    private void nodeLeft(String node) {
        workers.departed(node).forEach(w -> workerLost(w, "its cluster node left"));
    }

    private void workerLost(String worker, String why) {
        List<Build> had = active.values().stream().filter(b -> isWith(b, worker)).toList();
        LOG.warn("worker {} is lost ({}); builds it had: {}", worker, why, had.stream().map(Build::id).toList());
        Instant now = Instant.now();
        had.forEach(b -> requeueOrFail(b, "worker " + worker + " was lost (" + why + ")", now));
    }

    /**
     * The build's worker is gone: back to the queue for another attempt, or FAILED when it has had them all. Either
     * way the user hears of it (the notifier's requeue or finish mail).
     */
    private Future<Void> requeueOrFail(Build build, String cause, Instant now) {
        int attempts = maxRetries + 1;
        String during = cause + " during attempt " + build.attempt() + " of " + attempts;
        if (build.attempt() >= attempts) {
            return save(build.finished(BuildState.FAILED, during + "; no retries left", List.of(), now,
                build.lastSeq()));
        }
        return save(build.requeued(during + "; queued again", now)).onSuccess(v -> pump(build.address()));
    }

    private void dispatchAll() {
        active.values().stream().filter(b -> b.state() == BuildState.QUEUED).map(Build::address).distinct()
            .toList().forEach(this::pump);
    }

    /**
     * Offers the oldest queued builds for {@code address}, several at once up to the free slots its workers last
     * announced: a burst fills every free slot in one round trip instead of one offer after another, and busy
     * workers are not flooded with offers they must decline. Each acceptance pumps again.
     */
    private void pump(String address) {
        int window = Math.max(1, Math.min(MAX_OFFERS_IN_FLIGHT, workers.freeSlots(address)));
        // Set when an offer is not taken; an offer that fails at once (no worker at all) must end this loop.
        boolean[] refused = {false};
        while (!refused[0] && inFlight.getOrDefault(address, 0) < window) {
            Build next = null;
            for (Build queued : active.values().stream()
                .filter(b -> b.state() == BuildState.QUEUED && b.address().equals(address)
                    && !beingOffered.contains(b.id()))
                .toList()) {
                String kind = kindOf(queued);
                if (workers.serving(address) > 0 && workers.canBuild(address, kind) == 0) {
                    // Nobody here can build it: it waits, and does not hold up the builds behind it.
                    waiting(queued.id(), cannotBuild(kind, WorkerDirectory.describe(address)));
                    continue;
                }
                if (queued.isolate() && workers.isolating(address, kind) == 0) {
                    waiting(queued.id(), OwnerCode.noIsolation(kind, WorkerDirectory.describe(address)));
                    continue;
                }
                next = queued;
                break;
            }
            if (next == null) {
                return;
            }
            Build offered = next;
            beingOffered.add(offered.id());
            inFlight.merge(address, 1, Integer::sum);
            // A declined offer goes to the next consumer (the event bus round-robins), so try each known worker once.
            offer(offered, Math.max(1, workers.serving(address))).onComplete(accepted -> {
                beingOffered.remove(offered.id());
                inFlight.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
                if (accepted.succeeded() && accepted.result()) {
                    pump(address);
                } else {
                    refused[0] = true;
                }
            });
        }
    }

    /** Offers {@code build}; completes with whether a worker took it. Never fails, so the pump always goes on. */
    private Future<Boolean> offer(Build build, int tries) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS);
        String where = WorkerDirectory.describe(build.address());
        long offeredAt = System.nanoTime();
        String kind = kindOf(build);
        return vertx.eventBus().<JsonObject>request(build.address(), new JobOffer(build.id(), build.spec(), build.attempt() + 1, build.isolate()).toJson(), options)
            .transform(sent -> {
                if (sent.failed()) {
                    // Draining workers stop consuming offers: say so rather than "no worker online".
                    return waiting(build.id(), workers.allDraining(build.address())
                        ? "every worker for " + where + " is draining; waiting for one that takes builds"
                        : whyUnanswered(where, sent.cause()));
                }
                OfferReply answer;
                try {
                    answer = OfferReply.fromJson(sent.result().body());
                } catch (RuntimeException e) {
                    LOG.warn("unreadable answer to the offer of build {}: {}", build.id(), e.toString());
                    return waiting(build.id(), "a worker for " + where + " gave an unreadable answer");
                }
                if (answer.accepted()) {
                    metrics.offerAccepted(Duration.ofNanos(System.nanoTime() - offeredAt));
                    return assign(build.id(), answer).transform(v -> Future.succeededFuture(true));
                }
                if (tries > 1) {
                    return offer(build, tries - 1);
                }
                if (workers.canBuild(build.address(), kind) == 0) {
                    return waiting(build.id(), cannotBuild(kind, where));
                }
                String declining = workers.allDeclining(build.address());
                if (declining != null) {
                    return waiting(build.id(), "no worker for " + where + " takes builds now: " + declining);
                }
                return waiting(build.id(), "all workers for " + where + " are busy; waiting for a free slot");
            });
    }

    /** In the words of the kind: e.g. "no worker online has a pungi that builds DVDs for x86_64/41". */
    private static String cannotBuild(String kind, String where) {
        return ImageKinds.named(kind).noWorkerReason(where);
    }

    /** The image kind a build needs; its spec was valid when stored, so it parses. */
    private static String kindOf(Build build) {
        return ImageKinds.of(build.spec()).name();
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

    private Future<Void> assign(long id, OfferReply answer) {
        Build build = active.get(id);
        if (build == null || build.state() != BuildState.QUEUED) {
            // Canceled while the offer was out: the worker must not build it.
            LOG.warn("worker {} accepted build {} which is no longer queued; telling it to stop", answer.worker(), id);
            vertx.eventBus().request(Addresses.cancel(answer.worker()), new CancelRequest(id).toJson(),
                new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS));
            return Future.succeededFuture();
        }
        // The log link comes from the worker's announcement, never from the answer: the master reads only there.
        return save(build.assigned(answer.worker(), workers.logUrl(answer.worker(), id), Instant.now()));
    }

    /**
     * Records why the build still waits, and on the builds of the same kind queued behind it for the same address,
     * which wait for the same reason; completes with false (not taken), whatever the store says.
     */
    private Future<Boolean> waiting(long id, String reason) {
        Build build = active.get(id);
        if (build == null || build.state() != BuildState.QUEUED) {
            return Future.succeededFuture(false);
        }
        String kind = kindOf(build);
        List<Future<Void>> saves = active.values().stream()
            .filter(b -> b.state() == BuildState.QUEUED && b.address().equals(build.address())
                && kindOf(b).equals(kind)
                && (b.id() == id || !beingOffered.contains(b.id())) && !reason.equals(b.reason()))
            .toList().stream()
            .map(b -> save(b.waiting(reason)))
            .toList();
        return Future.join(saves).transform(v -> Future.succeededFuture(false));
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
        Build build = active.get(event.buildId());
        if (build == null || event.attempt() != build.attempt()
            || build.state() != BuildState.ASSIGNED && build.state() != BuildState.RUNNING) {
            // The build ended, or this attempt was given up on: acknowledge, apply nothing.
            acknowledgeUnapplied(msg, event.buildId());
            return;
        }
        if (!java.util.Objects.equals(event.worker(), build.worker())) {
            // Only the worker that holds the build may change it: another node's word (a forged SUCCEEDED, a stale
            // worker) is not applied, and a sender that really runs it is told to stop.
            LOG.warn("ignoring a {} event for build {} from worker {}: the build is with worker {}; telling the sender "
                + "to stop it", event.kind(), event.buildId(), event.worker(), build.worker());
            if (event.worker() != null && !event.kind().isFinal()) {
                vertx.eventBus().request(Addresses.cancel(event.worker()), new CancelRequest(event.buildId()).toJson(),
                    new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS));
            }
            msg.fail(403, "build " + event.buildId() + " is not with worker " + event.worker());
            return;
        }
        if (event.kind() == BuildEvent.Kind.LOST) {
            requeueOrFail(build, "worker " + event.worker() + " restarted and could not resume it"
                + (event.reason() == null ? "" : " (" + event.reason() + ")"), event.at())
                .onSuccess(v -> msg.reply(null))
                .onFailure(err -> msg.fail(500, "not stored: " + err.getMessage()));
            return;
        }
        if (event.seq() <= build.lastSeq()) {
            acknowledgeUnapplied(msg, event.buildId()); // already applied
            return;
        }
        Build next = switch (event.kind()) {
            case STAGE -> build.running(event.stage(), event.at(), event.seq());
            case SUCCEEDED -> build.finished(BuildState.SUCCEEDED, null, event.artifacts(), event.at(), event.seq())
                .withExtraPackages(event.extraPackages());
            case FAILED -> build.finished(BuildState.FAILED, event.reason(), event.artifacts(), event.at(),
                event.seq());
            case CANCELED -> build.finished(BuildState.CANCELED, event.reason(), event.artifacts(), event.at(),
                event.seq());
            case LOST -> throw new IllegalStateException("handled above");
        };
        // The tail is kept with the ended build: the worker may lose the log long before anyone reads it.
        save(next.state().isFinal() ? next.withLogTail(event.logTail()) : next, event.logTail())
            .onSuccess(v -> msg.reply(null))
            .onFailure(err -> msg.fail(500, "not stored: " + err.getMessage()));
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
     * reports CANCELED once its tools are gone. Replies with the build; fails 404 (unknown) or 409 (already ended).
     * Who may cancel is the API's concern (the owner or an admin, once there are accounts), not the dispatcher's.
     */
    private void cancel(Message<JsonObject> msg) {
        long id = msg.body().getLong("build");
        Build build = active.get(id);
        if (build == null) {
            store.get(id).onComplete(found -> {
                if (found.failed()) {
                    msg.fail(500, "the store could not be read");
                } else if (found.result().isEmpty()) {
                    msg.fail(404, "no such build");
                } else {
                    msg.fail(409, "build " + id + " has already ended: " + found.result().get().state());
                }
            });
            return;
        }
        if (build.state() == BuildState.QUEUED) {
            Build canceled = build.finished(BuildState.CANCELED, "canceled before a worker took it", List.of(),
                Instant.now(), build.lastSeq());
            save(canceled).onSuccess(v -> msg.reply(canceled.toJson()))
                .onFailure(err -> msg.fail(500, "not stored: " + err.getMessage()));
            return;
        }
        vertx.eventBus().<JsonObject>request(Addresses.cancel(build.worker()), new CancelRequest(id).toJson(),
                new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS))
            .onComplete(answer -> {
                Build now = active.get(id);
                if (now == null) {
                    store.get(id).onComplete(found -> msg.reply(found.succeeded() && found.result().isPresent()
                        ? found.result().get().toJson() : build.toJson()));
                } else if (answer.succeeded() && answer.result().body().getBoolean("stopping", false)) {
                    msg.reply(now.toJson().put("reason", "cancel requested; worker " + now.worker()
                        + " is stopping the build"));
                } else {
                    // The worker is gone or does not run it: nothing runs, so the build ends here.
                    Build canceled = now.finished(BuildState.CANCELED, "canceled; worker " + now.worker()
                        + " was not running it", List.of(), Instant.now(), now.lastSeq());
                    save(canceled).onSuccess(v -> msg.reply(canceled.toJson()))
                        .onFailure(err -> msg.fail(500, "not stored: " + err.getMessage()));
                }
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
        Build before = active.get(build.id());
        if (build.state().isFinal()) {
            active.remove(build.id());
        } else {
            active.put(build.id(), build);
        }
        BuildChange change = new BuildChange(before == null ? null : before.state(), build, logTail);
        Future<Void> written = store.update(build, mailFor.apply(change))
            .onSuccess(v -> {
                metrics.stored(build);
                vertx.eventBus().publish(Addresses.MASTER_BUILD_CHANGED, change.toJson(),
                    new DeliveryOptions().setLocalOnly(true));
            })
            .onFailure(err -> LOG.error("could not store build {}", build.id(), err));
        unsaved.put(build.id(), written);
        written.onComplete(v -> unsaved.remove(build.id(), written));
        return written;
    }
}
