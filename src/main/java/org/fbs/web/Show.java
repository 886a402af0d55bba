package org.fbs.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fbs.protocol.Addresses;

/** How values look on the pages: states, times, sizes, worker addresses. */
final class Show {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
        .withZone(ZoneOffset.UTC);

    private Show() {
    }

    /** An instant as people read it (UTC, to the second). */
    static String timeText(Instant at) {
        return TIME.format(at);
    }

    /** A size people read: 1.4 MiB. */
    static String sizeText(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** {@code build.x86_64.41} as {@code x86_64/41}; anything else as it is. */
    static String address(String address) {
        if (address == null || !address.startsWith(Addresses.BUILD_PREFIX)) {
            return address;
        }
        String rest = address.substring(Addresses.BUILD_PREFIX.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot) + "/" + rest.substring(dot + 1);
    }

    /** A build id from the URL, or -1 when it is not one. */
    static long buildId(String s) {
        if (s == null || !s.matches("[0-9]{1,18}")) {
            return -1;
        }
        long id = Long.parseLong(s);
        return id > 0 ? id : -1;
    }
}
