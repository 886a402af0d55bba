package org.fbs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.fbs.build.Artifact;

/**
 * Worker to master on {@link Addresses#EVENTS}: one step of a build. The master replies to acknowledge and
 * applies each (build, seq) once; the worker resends until acknowledged.
 *
 * @param seq   1, 2, 3... per build, in the order the worker made them
 * @param stage the stage entered, for STAGE
 * @param reason why it failed, for FAILED; how it was stopped, for CANCELED
 */
public record BuildEvent(long buildId, long seq, String worker, Kind kind, String stage, String reason,
                         List<Artifact> artifacts, Instant at) {

    public enum Kind { STAGE, SUCCEEDED, FAILED, CANCELED }

    public BuildEvent {
        artifacts = List.copyOf(artifacts);
    }

    public JsonObject toJson() {
        return new JsonObject()
            .put("build", buildId)
            .put("seq", seq)
            .put("worker", worker)
            .put("kind", kind.name())
            .put("stage", stage)
            .put("reason", reason)
            .put("artifacts", Artifact.toJson(artifacts))
            .put("at", at.toString());
    }

    public static BuildEvent fromJson(JsonObject json) {
        return new BuildEvent(json.getLong("build"), json.getLong("seq"), json.getString("worker"),
            Kind.valueOf(json.getString("kind")), json.getString("stage"), json.getString("reason"),
            Artifact.fromJson(json.getJsonArray("artifacts", new JsonArray())), Instant.parse(json.getString("at")));
    }
}
