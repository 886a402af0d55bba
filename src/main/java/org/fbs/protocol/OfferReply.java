package org.fbs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A worker's answer to a {@link JobOffer}: accepted or declined (with why). Where the build's log is comes from the
 * worker's announcement ({@link WorkerStatus#url()}), never from this answer.
 */
public record OfferReply(boolean accepted, String worker, String reason) {

    public static OfferReply accept(String worker) {
        return new OfferReply(true, worker, null);
    }

    public static OfferReply decline(String worker, String reason) {
        return new OfferReply(false, worker, reason);
    }

    public JsonObject toJson() {
        return new JsonObject().put("accepted", accepted).put("worker", worker).put("reason", reason);
    }

    public static OfferReply fromJson(JsonObject json) {
        return new OfferReply(json.getBoolean("accepted", false), json.getString("worker"), json.getString("reason"));
    }
}
