package org.fbs.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;

/**
 * A build as just stored, and the state it had before: what {@link BuildChanges} tells its listeners.
 *
 * @param before  the state before this change; null for a new build
 * @param logTail the last lines of its log, when the change is its end and the worker sent them
 */
public record BuildChange(BuildState before, Build build, List<String> logTail) {

    public BuildChange {
        logTail = List.copyOf(logTail);
    }

    public JsonObject toJson() {
        return new JsonObject()
            .put("before", before == null ? null : before.name())
            .put("build", build.toJson())
            .put("logTail", new JsonArray(logTail));
    }

    public static BuildChange fromJson(JsonObject json) {
        String before = json.getString("before");
        return new BuildChange(before == null ? null : BuildState.valueOf(before),
            Build.fromJson(json.getJsonObject("build")),
            json.getJsonArray("logTail", new JsonArray()).stream().map(String::valueOf).toList());
    }
}
