package org.fbs.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The build logs still being written on this worker, for live followers. */
public final class LiveLogs {

    private final Map<Long, BuildLog> open = new ConcurrentHashMap<>();

    /** Worker-local event-bus address of one build's new lines, for its live followers (it never leaves the node). */
    static String address(long buildId) {
        return "fbs.log." + buildId;
    }

    void add(BuildLog log) {
        open.put(log.buildId(), log);
    }

    void remove(long buildId) {
        open.remove(buildId);
    }

    /** The open log of {@code buildId}, or null once the build has ended (its file is then complete). */
    BuildLog get(long buildId) {
        return open.get(buildId);
    }
}
