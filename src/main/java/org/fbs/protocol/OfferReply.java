package org.fbs.protocol;

import io.vertx.core.json.JsonObject;

/** A worker's answer to a {@link JobOffer}: accepted (with where its log will be) or declined (with why). */
public record OfferReply(boolean accepted, String worker, String logUrl, String reason) {

    public static OfferReply accept(String worker, String logUrl) {
        return new OfferReply(true, worker, logUrl, null);
    }

    public static OfferReply decline(String worker, String reason) {
        return new OfferReply(false, worker, null, reason);
    }

    public JsonObject toJson() {
        return new JsonObject().put("accepted", accepted).put("worker", worker).put("logUrl", logUrl)
            .put("reason", reason);
    }

    public static OfferReply fromJson(JsonObject json) {
        return new OfferReply(json.getBoolean("accepted", false), json.getString("worker"),
            json.getString("logUrl"), json.getString("reason"));
    }
}
