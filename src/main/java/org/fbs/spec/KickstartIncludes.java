package org.fbs.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the {@code %include} and {@code %ksappend} lines of a kickstart, which FBS refuses: a build brings exactly one
 * kickstart, so an include can only name something of the worker's (a path read as root, a URL fetched from inside
 * its network), and its content would end up in the kickstart staged for anyone to read.
 *
 * <p>What counts as an include follows pykickstart 3.74, {@code pykickstart/parser.py} (with {@code load.py}), which
 * ksflatten, livemedia-creator and anaconda all parse with:
 * <ul>
 * <li>Lines are {@code str.splitlines()}: besides LF, CR and CRLF, also VT, FF, FS, GS, RS, NEL, U+2028 and U+2029
 *     end a line. So does {@link #lines} here; Java's {@code String.lines()} would miss an include hidden after a
 *     U+2028.</li>
 * <li>In the command section ({@code _stateMachine}) a line is {@code shlex.split(line, comments=True)}: leading
 *     blanks and tabs go, quotes and backslashes are removed ({@code "%include"}, {@code %in\clude} and
 *     {@code %'include'} all become {@code %include}), and {@code # anything} after the path is a comment, so
 *     {@code %include /etc/shadow # note} includes /etc/shadow.</li>
 * <li>Inside {@code %pre}, {@code %post}, {@code %packages}... ({@code _readSection}) a line whose first
 *     whitespace-separated word is {@code %include} is an include as well, in every section.</li>
 * <li>{@code %ksappend} is resolved before parsing ({@code _preprocessStateMachine}, anaconda): any line whose
 *     {@code str.strip()} (all Unicode white space) starts with {@code %ksappend}, in any section, appends the file
 *     or URL named after the first space.</li>
 * <li>The target may be a path (absolute, or relative to the including file's folder) or any URL with
 *     {@code ://} ({@code load.py}, fetched with requests).</li>
 * </ul>
 * pykickstart compares the keyword case-sensitively; FBS refuses every case, and every leading white space, format
 * character, quote or backslash, so no reader of a kickstart that is more lenient than pykickstart finds an include
 * that FBS let through. No real kickstart line starts that way unless it means an include.
 */
public final class KickstartIncludes {

    /** An include line: its number, counted as pykickstart counts lines, and its text. */
    public record Include(int number, String line) {

        /** {@code line 3 (%include /etc/shadow # note)}, with control characters shown escaped and long lines cut. */
        public String describe() {
            return "line " + number + " (" + printable(line) + ")";
        }
    }

    /** Why, and what to do instead: the same words on the master and on a worker. */
    public static final String WHY = "a build brings exactly one kickstart, so %include and %ksappend are refused;"
        + " flatten it first (ksflatten -c KICKSTART -o FLAT.ks) and send the flat file";

    private static final String[] KEYWORDS = {"%include", "%ksappend"};
    private static final int MAX_SHOWN = 120;

    private KickstartIncludes() {
    }

    /** The first include line of {@code kickstart}, or null when it has none. */
    public static Include first(String kickstart) {
        List<String> lines = lines(kickstart);
        for (int i = 0; i < lines.size(); i++) {
            if (isInclude(lines.get(i))) {
                return new Include(i + 1, lines.get(i));
            }
        }
        return null;
    }

    /**
     * Refuses a kickstart with an include line, naming the first one; {@code where} says which kickstart
     * (a file name, a spec key).
     */
    public static void refuse(String where, String kickstart) throws KickstartException {
        Include include = first(kickstart);
        if (include != null) {
            throw new KickstartException(where + include.describe() + " includes another file: " + WHY);
        }
    }

    /** Whether pykickstart (or a reader more lenient than it) would take {@code line} as an include. */
    static boolean isInclude(String line) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < line.length() && word.length() < 9; i++) {
            char c = line.charAt(i);
            if (c == '"' || c == '\'' || c == '\\') {
                continue; // shlex removes quotes and escapes
            }
            if (word.isEmpty() && ignorable(c)) {
                continue; // leading white space (str.strip), a byte order mark, a zero-width space...
            }
            word.append(c);
        }
        String start = word.toString().toLowerCase(Locale.ROOT);
        for (String keyword : KEYWORDS) {
            if (start.startsWith(keyword)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ignorable(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
            || Character.getType(c) == Character.FORMAT;
    }

    /** The lines of {@code text} as Python's {@code str.splitlines()} makes them, without their ends. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (endsLine(c)) {
                lines.add(text.substring(start, i));
                i += c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    private static boolean endsLine(char c) {
        return switch (c) {
            case '\n', '\r', '\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029' -> true;
            default -> false;
        };
    }

    /** The line as it can be shown in an error: control and format characters escaped, at most 120 characters. */
    static String printable(String line) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < line.length() && out.length() < MAX_SHOWN; i++) {
            char c = line.charAt(i);
            int type = Character.getType(c);
            if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < line.length() ? out + "..." : out.toString();
    }
}
