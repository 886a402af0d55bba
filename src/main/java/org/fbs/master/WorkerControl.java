package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.DrainRequest;
import org.fbs.protocol.WorkerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Master-local {@link Addresses#MASTER_DRAIN}: passes a drain or undrain to the worker and replies with the worker as
 * the cluster view shows it. Fails 404 when no worker of that name listens, 504 when it does not answer in time.
 */
public final class WorkerControl extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerControl.class);
    /** A worker answers a drain at once; one that does not within this has gone (its loss is noticed elsewhere). */
    static final long ANSWER_TIMEOUT_MS = 10_000;

    @Override
    public Future<?> start() {
        return vertx.eventBus().<JsonObject>localConsumer(Addresses.MASTER_DRAIN, this::drain).completion();
    }

    private void drain(Message<JsonObject> msg) {
        DrainRequest request;
        try {
            request = DrainRequest.fromJson(msg.body());
        } catch (RuntimeException e) {
            msg.fail(400, "malformed drain request");
            return;
        }
        if (request.worker() == null || !WorkerRoutes.isWorkerName(request.worker())) {
            msg.fail(404, "no worker named " + request.worker() + " is online");
            return;
        }
        vertx.eventBus().<JsonObject>request(Addresses.drain(request.worker()), request.toJson(),
                new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT_MS))
            .onSuccess(reply -> {
                WorkerStatus status = WorkerStatus.fromJson(reply.body());
                LOG.info("worker {} {}", request.worker(), !request.drain() ? "undrained"
                    : request.exit() ? "draining; it exits when its builds are done" : "draining");
                msg.reply(status.toJson().put("lastSeen", Instant.now().toString()));
            })
            .onFailure(err -> {
                if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                    msg.fail(404, "no worker named " + request.worker() + " is online");
                } else if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                    msg.fail(re.failureCode(), re.getMessage()); // the worker's own answer, e.g. 409 while it exits
                } else if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
                    msg.fail(504, "worker " + request.worker() + " did not answer within "
                        + ANSWER_TIMEOUT_MS / 1000 + " s");
                } else {
                    msg.fail(502, "worker " + request.worker() + " could not be asked: " + err.getMessage());
                }
            });
    }
}
