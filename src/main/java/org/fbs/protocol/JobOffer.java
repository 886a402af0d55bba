package org.fbs.protocol;

import io.vertx.core.json.JsonObject;

/** Master to worker on {@code build.<arch>.<release>}: "will you run this build?". Answered by {@link OfferReply}. */
public record JobOffer(long buildId, JsonObject spec) {

    public JsonObject toJson() {
        return new JsonObject().put("build", buildId).put("spec", spec);
    }

    public static JobOffer fromJson(JsonObject json) {
        return new JobOffer(json.getLong("build"), json.getJsonObject("spec"));
    }
}
