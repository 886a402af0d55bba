package org.fbs.build;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one tool printed at the worker's start, for each of its kind's {@link ImageKind#probeFlags() probe flags}
 * that it answered (exit status 0): the flag's output, else no entry.
 */
public record ToolAnswers(Map<String, String> byFlag) {

    private static final Pattern VERSION = Pattern.compile("(?<![0-9.])([0-9]+)\\.([0-9]+)(?:\\.[0-9]+)*");

    public ToolAnswers {
        byFlag = Map.copyOf(byFlag);
    }

    /** What the tool printed for {@code flag}, or null. */
    public String said(String flag) {
        return byFlag.get(flag);
    }

    /** The first line it printed for {@code flag}, or null. */
    public String firstLine(String flag) {
        String out = said(flag);
        return out == null ? null : out.strip().lines().findFirst().orElse(null);
    }

    /** The first {@code MAJOR.MINOR[.PATCH...]} in {@code text}, as {major, minor}; null if there is none. */
    public static int[] majorMinor(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
