package org.fbs.worker;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A tool process as a run marker records it: its pid and when it started. The two together name one process for
 * good; a pid alone may belong to another process by the time a restarted worker reads it (a reboot, a wrap).
 *
 * @param startTicks its start in clock ticks since boot ({@link ProcessStartTicks}), or null where /proc is not
 *                   there or the marker was written before they were recorded
 * @param started    its start instant as the JDK tells it, or null when unknown: matched on only when there are no
 *                   ticks to match, as it moves with the boot time when the clock is stepped
 */
record RecordedTool(long pid, Long startTicks, Instant started) {

    RecordedTool {
        if (startTicks == null && started == null) {
            throw new IllegalArgumentException("tool process " + pid + ": no start time recorded");
        }
    }

    /** The record of {@code process}, or empty when the system does not tell when it started (it could not be matched). */
    static Optional<RecordedTool> of(ProcessHandle process) {
        Long ticks = ProcessStartTicks.of(process.pid()).orElse(null);
        Instant started = process.info().startInstant().orElse(null);
        return ticks == null && started == null ? Optional.empty()
            : Optional.of(new RecordedTool(process.pid(), ticks, started));
    }

    /** The process, if it still runs and is the one recorded. */
    Optional<ProcessHandle> find() {
        return ProcessHandle.of(pid).filter(this::isTheOne).filter(ProcessHandle::isAlive);
    }

    private boolean isTheOne(ProcessHandle process) {
        if (startTicks != null) {
            Optional<Long> ticks = ProcessStartTicks.of(pid);
            if (ticks.isPresent()) {
                return ticks.get().equals(startTicks);
            }
        }
        // No /proc (or an older marker): the instant, which a stepped clock moves, is all there is.
        return started != null && process.info().startInstant().map(started::equals).orElse(false);
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject().put("pid", pid);
        if (startTicks != null) {
            json.put("startTicks", startTicks);
        }
        if (started != null) {
            json.put("started", started.toString());
        }
        return json;
    }

    /** Also reads markers written before the start ticks were recorded (only {@code started}). */
    static RecordedTool fromJson(JsonObject json) {
        String started = json.getString("started");
        return new RecordedTool(json.getLong("pid"), json.getLong("startTicks"),
            started == null ? null : Instant.parse(started));
    }
}
