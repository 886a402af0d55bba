package org.fbs.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Typed reads from a config section; every error names the full key. */
final class ConfigValues {

    private final JsonObject json;
    private final String prefix;

    ConfigValues(JsonObject json, String prefix) {
        this.json = json;
        this.prefix = prefix;
    }

    String string(String key, String fallback) {
        Object v = json.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof JsonObject || v instanceof JsonArray) {
            throw error(key, "expected a single value");
        }
        return v.toString();
    }

    int integer(String key, int fallback, int min, int max) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n < min || n > max) {
                throw error(key, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw error(key, "expected a whole number, got '" + s + "'");
        }
    }

    /** A list written as a YAML sequence or as one comma-separated string. */
    List<String> list(String key, List<String> fallback) {
        Object v = json.getValue(key);
        if (v == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        if (v instanceof JsonArray array) {
            array.forEach(item -> out.add(String.valueOf(item).trim()));
        } else if (v instanceof JsonObject) {
            throw error(key, "expected a list");
        } else {
            for (String part : v.toString().split(",")) {
                out.add(part.trim());
            }
        }
        out.removeIf(String::isEmpty);
        return List.copyOf(out);
    }

    JsonObject section(String key) {
        Object v = json.getValue(key);
        if (v == null) {
            return new JsonObject();
        }
        if (v instanceof JsonObject object) {
            return object;
        }
        throw error(key, "expected a mapping");
    }

    IllegalArgumentException error(String key, String reason) {
        return new IllegalArgumentException(prefix + "." + key + ": " + reason);
    }
}
