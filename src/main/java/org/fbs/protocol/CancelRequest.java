package org.fbs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Master to worker on {@code fbs.cancel.<worker>}: "stop this build". The worker answers at once with whether it
 * runs the build; the build's end comes later as a CANCELED {@link BuildEvent}, once its tools are gone.
 */
public record CancelRequest(long buildId) {

    public JsonObject toJson() {
        return new JsonObject().put("build", buildId);
    }

    public static CancelRequest fromJson(JsonObject json) {
        return new CancelRequest(json.getLong("build"));
    }

    /** The worker's answer: true when the build runs there and is being stopped. */
    public static JsonObject answer(boolean stopping) {
        return new JsonObject().put("stopping", stopping);
    }
}
