package org.fbs.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads from a config section; every error names the full key. */
final class ConfigValues {

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");

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

    /** true/false (YAML booleans, or the words written out). */
    boolean bool(String key, boolean fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, "expected true or false, got '" + s + "'");
        };
    }

    /** An absolute http(s) URL. */
    URI httpUrl(String key, String fallback) {
        String s = string(key, fallback).trim();
        try {
            URI uri = new URI(s);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw error(key, "expected an http:// or https:// URL, got '" + s + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw error(key, "expected an http:// or https:// URL, got '" + s + "'");
        }
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

    /** A size in bytes: a number, optionally with K, M, G or T (powers of 1024; "10 GiB", "500M" and "10G" all work). */
    long bytes(String key, long fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches()) {
            throw error(key, "expected a size such as 10GiB or 500MiB, got '" + s + "'");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw error(key, "too large: '" + s + "'");
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw error(key, "too large: '" + s + "'");
        }
    }

    /** A duration written as a number and a unit: {@code 90s}, {@code 30m}, {@code 6h}, {@code 2d}. */
    Duration duration(String key, Duration fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw error(key, "expected a positive duration such as 90s, 30m, 6h or 2d, got '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
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
