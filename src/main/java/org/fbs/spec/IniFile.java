package org.fbs.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small INI reader for the 2012 spec files: {@code [section]} headers, {@code key=value} or {@code key: value}
 * lines, whole-line comments starting with {@code #} or {@code ;}. Keys and values are trimmed and kept as
 * written (case included). [DEFAULT] is returned as an ordinary section: inheriting from it is
 * {@link SpecParser}'s job, because the JSON form needs the same rule.
 */
final class IniFile {

    private IniFile() {
    }

    /**
     * The sections in file order, each a map of key to value in file order. Syntax problems are added to
     * {@code errors} as "line N: ..." and reading goes on, so that one bad line does not hide the others.
     */
    static Map<String, Map<String, String>> read(String text, List<String> errors) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        String currentName = null;
        int number = 0;
        for (String line : text.lines().toList()) {
            number++;
            String trimmed = stripBom(line, number).strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            String header = header(trimmed);
            if (header != null) {
                currentName = header;
                if (sections.containsKey(header)) {
                    errors.add("line " + number + ": duplicate section [" + Section.printable(header) + "]");
                    // Keys of the repeated section go nowhere, so they do not add a duplicate-key error each.
                    current = new LinkedHashMap<>();
                } else {
                    current = new LinkedHashMap<>();
                    sections.put(header, current);
                }
                continue;
            }
            if (current == null) {
                errors.add("line " + number + ": outside any [section]");
                continue;
            }
            int delimiter = delimiter(trimmed);
            if (delimiter < 0) {
                errors.add("line " + number + ": expected key=value");
                continue;
            }
            String key = trimmed.substring(0, delimiter).strip();
            String value = trimmed.substring(delimiter + 1).strip();
            if (key.isEmpty()) {
                errors.add("line " + number + ": expected key=value");
            } else if (current.putIfAbsent(key, value) != null) {
                errors.add("line " + number + ": duplicate key " + Section.printable(key) + " in ["
                    + Section.printable(currentName) + "]");
            }
        }
        return sections;
    }

    private static String stripBom(String line, int number) {
        return number == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /** The name of a {@code [name]} line, or null if the line is not a section header. */
    private static String header(String trimmed) {
        if (trimmed.length() < 3 || !trimmed.startsWith("[") || !trimmed.endsWith("]")) {
            return null;
        }
        String name = trimmed.substring(1, trimmed.length() - 1).strip();
        return name.isEmpty() ? null : name;
    }

    /** The first {@code =} or {@code :}, as configparser splits; URLs in values keep their colons. */
    private static int delimiter(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(':');
        if (equals < 0 || colon < 0) {
            return Math.max(equals, colon);
        }
        return Math.min(equals, colon);
    }
}
