package org.fbs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Master to one worker on {@code fbs.cancel.<worker>}: "stop this build". The worker answers at once with whether it
 * runs the build; the build's end comes later as a CANCELED {@link BuildEvent}, once its tools are gone.
 *
 * @param lease the run to stop: only a run of that lease is stopped; null for whatever run of the build is there
 */
public record CancelRequest(long buildId, String lease) {

    public CancelRequest(long buildId) {
        this(buildId, null);
    }

    public JsonObject toJson() {
        return new JsonObject().put("build", buildId).put("lease", lease);
    }

    public static CancelRequest fromJson(JsonObject json) {
        return new CancelRequest(json.getLong("build"), json.getString("lease"));
    }

    /** The worker's answer: true when the build runs there and is being stopped. */
    public static JsonObject answer(boolean stopping) {
        return new JsonObject().put("stopping", stopping);
    }
}
