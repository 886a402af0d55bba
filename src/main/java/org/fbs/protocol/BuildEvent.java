package org.fbs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;

/**
 * Worker to master on {@link Addresses#EVENTS}: one step of a build. The master replies to acknowledge (after
 * the change is stored) and applies each (build, attempt, seq) once; the worker keeps each event on disk and
 * resends it until acknowledged. An event of an attempt that is not the build's current one is acknowledged and
 * dropped.
 *
 * @param attempt the attempt of the build that the worker runs (from its {@link JobOffer})
 * @param seq   1, 2, 3... per build attempt, in the order the worker made them
 * @param stage the stage entered, for STAGE
 * @param reason why it failed, for FAILED; how it was stopped, for CANCELED
 * @param extraPackages the packages from Koji that went into the build's side repository, for SUCCEEDED
 * @param logTail the last lines of the build's log, for SUCCEEDED, FAILED and CANCELED: the master mails them
 * @param lease the lease of the run (from its {@link JobOffer}): the master applies only events of the build's
 *              current lease; null from a worker given an offer without one
 */
public record BuildEvent(long buildId, int attempt, long seq, String worker, Kind kind, String stage, String reason,
                         List<Artifact> artifacts, Instant at, List<ExtraPackage> extraPackages,
                         List<String> logTail, String lease) {

    /**
     * What happened. LOST is sent by a worker that restarted and found the attempt unfinished on its disk: its tools
     * died with the old process and cannot be resumed, so the master requeues the build (it counts as an attempt).
     * The master applies LOST only while the attempt is current and still with that worker, whatever its seq: the
     * restarted worker no longer knows the seq the dead process reached.
     */
    public enum Kind { STAGE, SUCCEEDED, FAILED, CANCELED, LOST;

        /** Whether this event ends the attempt on the worker. */
        public boolean isFinal() {
            return this != STAGE;
        }
    }

    /** The last this many lines of the log travel with the final event. */
    public static final int LOG_TAIL_LINES = 50;

    public BuildEvent {
        artifacts = List.copyOf(artifacts);
        extraPackages = List.copyOf(extraPackages);
        logTail = List.copyOf(logTail);
    }

    public JsonObject toJson() {
        return new JsonObject()
            .put("build", buildId)
            .put("attempt", attempt)
            .put("seq", seq)
            .put("worker", worker)
            .put("kind", kind.name())
            .put("stage", stage)
            .put("reason", reason)
            .put("artifacts", Artifact.toJson(artifacts))
            .put("at", at.toString())
            .put("extraPackages", ExtraPackage.toJson(extraPackages))
            .put("logTail", new JsonArray(logTail))
            .put("lease", lease);
    }

    public static BuildEvent fromJson(JsonObject json) {
        return new BuildEvent(json.getLong("build"), json.getInteger("attempt", 1), json.getLong("seq"), json.getString("worker"),
            Kind.valueOf(json.getString("kind")), json.getString("stage"), json.getString("reason"),
            Artifact.fromJson(json.getJsonArray("artifacts", new JsonArray())), Instant.parse(json.getString("at")),
            ExtraPackage.fromJson(json.getJsonArray("extraPackages")),
            json.getJsonArray("logTail", new JsonArray()).stream().map(String::valueOf).toList(),
            json.getString("lease"));
    }
}
