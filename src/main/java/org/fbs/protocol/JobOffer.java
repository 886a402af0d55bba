package org.fbs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Master to worker on {@code build.<arch>.<release>}: "will you run this build?". Answered by {@link OfferReply}.
 *
 * @param attempt which attempt of the build this is (1 for the first worker, more after a lost one); the worker
 *                stamps it on every event of the run, so that the master can tell a late event of an earlier
 *                attempt from one of the current attempt
 * @param isolate the build runs its owner's code (a kickstart or kiwi description) and its owner is not trusted:
 *                only a worker whose {@code worker.isolation} covers its image kind may take it (absent: false)
 */
public record JobOffer(long buildId, JsonObject spec, int attempt, boolean isolate) {

    /** An offer of a build's first attempt. */
    public JobOffer(long buildId, JsonObject spec) {
        this(buildId, spec, 1, false);
    }

    /** An offer of a build that needs no isolation. */
    public JobOffer(long buildId, JsonObject spec, int attempt) {
        this(buildId, spec, attempt, false);
    }

    public JsonObject toJson() {
        return new JsonObject().put("build", buildId).put("spec", spec).put("attempt", attempt)
            .put("isolate", isolate);
    }

    public static JobOffer fromJson(JsonObject json) {
        return new JobOffer(json.getLong("build"), json.getJsonObject("spec"), json.getInteger("attempt", 1),
            json.getBoolean("isolate", false));
    }
}
