package org.fbs.worker;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time stamps Fedora's tools put at the start of their lines, which the build log already gives every line (in
 * UTC): taken off, so that no line is stamped twice.
 */
final class ToolStamps {

    /**
     * A date and time at the start, with an optional fraction, zone and colon: lorax and livemedia-creator
     * ({@code 2026-12-05 08:31:52,123: msg}, Python logging's asctime), pungi ({@code 2026-12-05 08:31:52 [INFO] msg}).
     */
    private static final Pattern DATE_TIME = Pattern.compile(
        "^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:[,.]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?:? +");
    /** kiwi-ng's {@code [ INFO    ]: 08:31:52 | msg}: the level stays, the time goes. */
    private static final Pattern KIWI = Pattern.compile("^(\\[ ?[A-Z]+ *\\]: )\\d{2}:\\d{2}:\\d{2} \\| ");

    private ToolStamps() {
    }

    /** The line without a tool's leading time stamp; a line without one as it is. */
    static String strip(String line) {
        Matcher m = DATE_TIME.matcher(line);
        if (m.find() && m.end() < line.length()) {
            return line.substring(m.end());
        }
        Matcher k = KIWI.matcher(line);
        if (k.find()) {
            return k.group(1) + line.substring(k.end());
        }
        return line;
    }
}
