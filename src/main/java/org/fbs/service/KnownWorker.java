package org.fbs.service;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.fbs.protocol.WorkerStatus;

/** A worker as the master knows it: its last announcement, and when the master heard it. */
public record KnownWorker(WorkerStatus status, Instant lastSeen) {

    /** The announcement's fields and {@code lastSeen}, as the API and the cluster page show a worker. */
    public JsonObject toJson() {
        return status.toJson().put("lastSeen", lastSeen.toString());
    }

    public static KnownWorker fromJson(JsonObject json) {
        return new KnownWorker(WorkerStatus.fromJson(json), Instant.parse(json.getString("lastSeen")));
    }
}
