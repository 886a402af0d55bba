package org.fbs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;

/**
 * Worker to master on {@link Addresses#EVENTS}: one step of a build. The master replies to acknowledge and
 * applies each (build, seq) once; the worker resends until acknowledged.
 *
 * @param seq   1, 2, 3... per build, in the order the worker made them
 * @param stage the stage entered, for STAGE
 * @param reason why it failed, for FAILED
 * @param extraPackages the packages from Koji that went into the build's side repository, for SUCCEEDED
 */
public record BuildEvent(long buildId, long seq, String worker, Kind kind, String stage, String reason,
                         List<Artifact> artifacts, Instant at, List<ExtraPackage> extraPackages) {

    public enum Kind { STAGE, SUCCEEDED, FAILED }

    public BuildEvent {
        artifacts = List.copyOf(artifacts);
        extraPackages = List.copyOf(extraPackages);
    }

    /** An event without extra packages. */
    public BuildEvent(long buildId, long seq, String worker, Kind kind, String stage, String reason,
                      List<Artifact> artifacts, Instant at) {
        this(buildId, seq, worker, kind, stage, reason, artifacts, at, List.of());
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
            .put("at", at.toString())
            .put("extraPackages", ExtraPackage.toJson(extraPackages));
    }

    public static BuildEvent fromJson(JsonObject json) {
        return new BuildEvent(json.getLong("build"), json.getLong("seq"), json.getString("worker"),
            Kind.valueOf(json.getString("kind")), json.getString("stage"), json.getString("reason"),
            Artifact.fromJson(json.getJsonArray("artifacts", new JsonArray())), Instant.parse(json.getString("at")),
            ExtraPackage.fromJson(json.getJsonArray("extraPackages")));
    }
}
