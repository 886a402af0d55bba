package org.fbs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Drain ({@code drain} true) or undrain a worker. A draining worker finishes its running builds and takes no new
 * ones; with {@code exit} it also stops its process once they are done.
 */
public record DrainRequest(String worker, boolean drain, boolean exit) {

    public JsonObject toJson() {
        return new JsonObject().put("worker", worker).put("drain", drain).put("exit", exit);
    }

    public static DrainRequest fromJson(JsonObject json) {
        return new DrainRequest(json.getString("worker"), json.getBoolean("drain", true), json.getBoolean("exit", false));
    }
}
