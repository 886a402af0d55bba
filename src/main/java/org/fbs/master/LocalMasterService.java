package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.ImageKinds;
import org.fbs.build.QueuePlace;
import org.fbs.config.MasterSettings;
import org.fbs.kickstart.KickstartFetcher;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.DrainRequest;
import org.fbs.protocol.WorkerStatus;
import org.fbs.service.BuildChanges;
import org.fbs.service.KnownWorker;
import org.fbs.service.MasterException;
import org.fbs.service.MasterException.Reason;
import org.fbs.service.MasterService;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.store.AsyncBuildStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's service on one Vert.x instance. The dispatcher owns the builds and the worker directory on its own
 * event loop, so what needs them is asked over the master-local event bus ({@link #serve} is the dispatcher's side);
 * the addresses and their JSON never leave this class, and a {@link MasterException} crosses as a failure code. A
 * drain needs nothing of the dispatcher's and goes straight to the worker.
 */
public final class LocalMasterService implements MasterService {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMasterService.class);
    private static final String SUBMIT = "fbs.master.submit";
    private static final String CANCEL = "fbs.master.cancel";
    private static final String WORKERS = "fbs.master.workers";
    private static final String QUEUE = "fbs.master.queue";
    /** A refusal crosses the bus as this plus its reason's ordinal; anything else is the dispatcher's own failure. */
    private static final int REFUSED = 1000;
    /** A page asks where a build stands on each refresh: it shows the build without it rather than wait. */
    private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(2_000);
    /** A worker answers a drain at once; one that does not within this has gone (its loss is noticed elsewhere). */
    static final long DRAIN_TIMEOUT_MS = 10_000;
    /** What a worker id may look like ({@code worker.id}, a host name by default). */
    private static final Pattern WORKER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    private static final String NOT_STORED = "the build could not be stored; nothing was queued";

    private final Vertx vertx;
    private final AsyncBuildStore store;
    private final KickstartFetcher kickstarts;
    private final QueueStanding standing;

    /** @param settings the master's: its kickstart size limit and the hosts it may fetch kickstarts from */
    public LocalMasterService(Vertx vertx, AsyncBuildStore store, MasterSettings settings) {
        this.vertx = vertx;
        this.store = store;
        this.kickstarts = new KickstartFetcher(vertx, KickstartFetcher.TIMEOUT,
            KickstartFetcher.Policy.of(settings.limits()));
        this.standing = new QueueStanding(store, this::askPlace);
        BuildChanges.listen(vertx, change -> {
            if (change.build().state() == BuildState.SUCCEEDED) {
                standing.succeeded(change.build());
            }
        });
    }

    @Override
    public Future<Build> submit(BuildSpec parsed, Caller caller) {
        try {
            ImageKinds.check(parsed);
        } catch (SpecException e) {
            return Future.failedFuture(new MasterException(Reason.INVALID, "the build spec has errors", e.errors()));
        }
        return kickstarts.withText(parsed)
            .compose(spec -> vertx.eventBus().<JsonObject>request(SUBMIT, new NewBuild(spec.toJson(),
                Addresses.build(spec.arch(), spec.release()), caller.name(), OwnerCode.needsIsolation(spec, caller))
                .toJson()))
            .map(reply -> Build.fromJson(reply.body()))
            .recover(err -> {
                if (err instanceof SpecException e) {
                    return Future.failedFuture(new MasterException(Reason.INVALID, "the build spec has errors",
                        e.errors()));
                }
                MasterException refusal = refusal(err);
                if (refusal != null) {
                    return Future.failedFuture(refusal);
                }
                LOG.error("submit failed", err);
                return Future.failedFuture(new MasterException(Reason.UNAVAILABLE, NOT_STORED));
            });
    }

    @Override
    public Future<Build> cancel(long id, Caller caller) {
        if (id < 1) {
            return Future.failedFuture(new MasterException(Reason.NOT_FOUND, "no such build"));
        }
        return store.get(id).compose(found -> {
            if (found.isEmpty() || !caller.maySee(found.get())) {
                // Another user's build is answered like a missing one: ids say nothing about who builds what.
                return Future.failedFuture(new MasterException(Reason.NOT_FOUND, "no such build"));
            }
            return ask(CANCEL, new JsonObject().put("build", id), new DeliveryOptions())
                .map(body -> Build.fromJson((JsonObject) body));
        });
    }

    @Override
    public Future<Optional<QueuePlace>> placeInLine(Build build) {
        return standing.of(build).map(Optional::ofNullable);
    }

    /** The dispatcher's place for a queued build, without typical times; null when it does not say in time. */
    private Future<QueuePlace> askPlace(long id) {
        return vertx.eventBus().<JsonObject>request(QUEUE, new JsonObject().put("build", id), QUICK)
            .transform(asked -> Future.succeededFuture(asked.failed() || asked.result().body() == null ? null
                : QueuePlace.fromJson(asked.result().body())));
    }

    @Override
    public Future<List<KnownWorker>> workers() {
        return ask(WORKERS, null, new DeliveryOptions().setSendTimeout(DRAIN_TIMEOUT_MS))
            .map(body -> ((JsonArray) body).stream().map(o -> KnownWorker.fromJson((JsonObject) o)).toList());
    }

    @Override
    public Future<KnownWorker> drain(String worker, boolean drain, boolean exit, Caller caller) {
        if (caller == null || !caller.admin()) {
            return Future.failedFuture(new MasterException(Reason.FORBIDDEN,
                "only an admin may drain or undrain a worker"));
        }
        if (worker == null || !WORKER_NAME.matcher(worker).matches()) {
            return Future.failedFuture(new MasterException(Reason.NOT_FOUND, "no such worker"));
        }
        DrainRequest request = new DrainRequest(worker, drain, exit);
        return vertx.eventBus().<JsonObject>request(Addresses.drain(worker), request.toJson(),
                new DeliveryOptions().setSendTimeout(DRAIN_TIMEOUT_MS))
            .map(reply -> {
                LOG.info("worker {} {}", worker, !drain ? "undrained"
                    : exit ? "draining; it exits when its builds are done" : "draining");
                return new KnownWorker(WorkerStatus.fromJson(reply.body()), Instant.now());
            })
            .recover(err -> Future.failedFuture(drainRefusal(worker, err)));
    }

    private static MasterException drainRefusal(String worker, Throwable err) {
        ReplyFailure type = err instanceof ReplyException re ? re.failureType() : null;
        if (type == ReplyFailure.NO_HANDLERS) {
            return new MasterException(Reason.NOT_FOUND, "no worker named " + worker + " is online");
        }
        if (type == ReplyFailure.RECIPIENT_FAILURE && ((ReplyException) err).failureCode() == 409) {
            return new MasterException(Reason.CONFLICT, err.getMessage()); // e.g. while it exits
        }
        if (type == ReplyFailure.TIMEOUT) {
            return new MasterException(Reason.NO_ANSWER, "worker " + worker + " did not answer within "
                + DRAIN_TIMEOUT_MS / 1000 + " s");
        }
        return new MasterException(Reason.UNREACHABLE, "worker " + worker + " could not be asked: "
            + err.getMessage());
    }

    /** Asks the dispatcher: its answer's body, its refusal as a {@link MasterException}, or its own failure. */
    private Future<Object> ask(String address, JsonObject body, DeliveryOptions options) {
        return vertx.eventBus().request(address, body, options).map(Message::body).recover(err -> {
            MasterException refusal = refusal(err);
            if (refusal != null) {
                return Future.failedFuture(refusal);
            }
            if (err instanceof ReplyException re && re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
                return Future.failedFuture(new MasterException(Reason.UNAVAILABLE,
                    "the master's dispatcher does not answer"));
            }
            return Future.failedFuture(err);
        });
    }

    private static MasterException refusal(Throwable err) {
        if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            int reason = re.failureCode() - REFUSED;
            if (reason >= 0 && reason < Reason.values().length) {
                return new MasterException(Reason.values()[reason], re.getMessage());
            }
        }
        return null;
    }

    /** A build to store and queue, as the dispatcher takes it. */
    record NewBuild(JsonObject spec, String address, String owner, boolean isolate) {

        JsonObject toJson() {
            return new JsonObject().put("spec", spec).put("address", address).put("owner", owner)
                .put("isolate", isolate);
        }

        static NewBuild fromJson(JsonObject json) {
            return new NewBuild(json.getJsonObject("spec"), json.getString("address"), json.getString("owner"),
                json.getBoolean("isolate", false));
        }
    }

    /** The dispatcher's answers, each called on its event loop. */
    record Desk(Function<NewBuild, Future<Build>> submit, LongFunction<Future<Build>> cancel,
                LongFunction<QueuePlace> placeInLine, Supplier<List<KnownWorker>> workers) {
    }

    /** Registers the dispatcher's side on the caller's context (the dispatcher's); completes once it answers. */
    static Future<Void> serve(Vertx vertx, Desk desk) {
        var bus = vertx.eventBus();
        return Future.all(List.of(
            bus.<JsonObject>localConsumer(SUBMIT, msg -> answer(msg, desk.submit().apply(NewBuild.fromJson(msg.body()))
                .map(Build::toJson))).completion(),
            bus.<JsonObject>localConsumer(CANCEL, msg -> answer(msg,
                desk.cancel().apply(msg.body().getLong("build", 0L)).map(Build::toJson))).completion(),
            bus.<JsonObject>localConsumer(QUEUE, msg -> {
                QueuePlace place = desk.placeInLine().apply(msg.body().getLong("build", 0L));
                msg.reply(place == null ? null : place.toJson());
            }).completion(),
            bus.<JsonObject>localConsumer(WORKERS, msg -> msg.reply(new JsonArray(desk.workers().get().stream()
                .map(KnownWorker::toJson).toList()))).completion()))
            .mapEmpty();
    }

    private static void answer(Message<JsonObject> msg, Future<JsonObject> result) {
        result.onSuccess(msg::reply).onFailure(err -> {
            if (err instanceof MasterException refused) {
                msg.fail(REFUSED + refused.reason().ordinal(), refused.getMessage());
            } else {
                msg.fail(500, String.valueOf(err.getMessage()));
            }
        });
    }
}
