package org.fbs.spec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form brought to the INI's shape, section -> key -> text, so that one validator serves both forms:
 * top-level members are [DEFAULT] keys, a {@code boot}, {@code dvd} or {@code live} object is that section.
 * Numbers and booleans become their text, an array the INI's {@code ;}-separated list, null an absent key.
 */
final class JsonSections {

    private static final String NOT_SCALAR = "expected a string, number, boolean or array of those";

    private JsonSections() {
    }

    /** The sections; shape problems are added to {@code errors}. */
    static Map<String, Map<String, String>> read(JsonObject json, List<String> errors) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        sections.put(SpecParser.DEFAULT, defaults);
        for (String key : json.fieldNames()) {
            if (key == null) { // only a JsonObject built from a Java map can have one
                errors.add("spec: a JSON member has no name");
                continue;
            }
            Object value = json.getValue(key);
            if (!SpecParser.SECTIONS.contains(key)) {
                put(defaults, SpecParser.DEFAULT, key, value, errors);
            } else if (value instanceof JsonObject section) {
                Map<String, String> values = new LinkedHashMap<>();
                for (String member : section.fieldNames()) {
                    if (member == null) {
                        errors.add("[" + key + "]: a JSON member has no name");
                    } else {
                        put(values, key, member, section.getValue(member), errors);
                    }
                }
                sections.put(key, values);
            } else if (value != null) {
                errors.add("[" + key + "]: expected a JSON object");
            }
        }
        return sections;
    }

    /** Stores a JSON value as the INI would hold it; null means absent. */
    private static void put(Map<String, String> values, String section, String key, Object value,
                            List<String> errors) {
        if (value == null) {
            return;
        }
        // A kickstart is kept byte for byte: its text is not a key's value to trim.
        String text = key.equals(KickstartKeys.KICKSTART) && value instanceof String string ? string
            : value instanceof JsonArray array ? joined(array) : scalar(value);
        if (text == null) {
            errors.add("[" + section + "] " + Section.printable(key) + ": " + NOT_SCALAR);
        } else {
            values.put(key, text);
        }
    }

    /** A JSON string, number or boolean as INI text; null for anything else. */
    private static String scalar(Object value) {
        if (value instanceof String string) {
            return string.strip();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }

    /** An array of scalars as the INI's ;-separated list; null if an element is not a scalar. */
    private static String joined(JsonArray array) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String part = scalar(array.getValue(i));
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return String.join(";", parts);
    }
}
