package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * When a process started, in clock ticks since boot, from {@code /proc/<pid>/stat} (Linux). Unlike the start instant
 * the JDK gives, which it adds to the boot time read at JVM start, it does not move when the clock is stepped: a
 * worker restarted after chrony's first step still knows its tools.
 */
final class ProcessStartTicks {

    /** Field 22 of the stat line, counted from the state (field 3), the first after the command name. */
    private static final int FIELD_AFTER_NAME = 22 - 3;

    private ProcessStartTicks() {
    }

    /** The start ticks of {@code pid}, or empty where there is no /proc or the process is gone. */
    static Optional<Long> of(long pid) {
        try {
            return Optional.of(parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Field 22 of a stat line. Field 2, the command name in parentheses, may hold spaces and parentheses of its own:
     * the fields are counted after its LAST ')'.
     */
    static long parse(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc stat line: no command name in parentheses");
        }
        String[] fields = stat.substring(end + 1).trim().split("\\s+");
        if (fields.length <= FIELD_AFTER_NAME) {
            throw new IllegalArgumentException("not a /proc stat line: " + (fields.length + 2) + " fields");
        }
        return Long.parseLong(fields[FIELD_AFTER_NAME]);
    }
}
