package org.fbs.worker;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A tool process as a run marker records it: its pid and the instant it started. The two together name one process
 * for good; a pid alone may belong to another process by the time a restarted worker reads it (a reboot, a wrap).
 */
record RecordedTool(long pid, Instant started) {

    /** The record of {@code process}, or empty when the system does not tell when it started (it could not be matched). */
    static Optional<RecordedTool> of(ProcessHandle process) {
        return process.info().startInstant().map(start -> new RecordedTool(process.pid(), start));
    }

    /** The process, if it still runs and is the one recorded. */
    Optional<ProcessHandle> find() {
        return ProcessHandle.of(pid)
            .filter(p -> p.info().startInstant().map(started::equals).orElse(false))
            .filter(ProcessHandle::isAlive);
    }

    JsonObject toJson() {
        return new JsonObject().put("pid", pid).put("started", started.toString());
    }

    static RecordedTool fromJson(JsonObject json) {
        return new RecordedTool(json.getLong("pid"), Instant.parse(json.getString("started")));
    }
}
