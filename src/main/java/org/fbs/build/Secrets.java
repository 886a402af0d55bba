package org.fbs.build;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** Hides passwords in URLs (scheme://user:password@host) before text goes to a log, a page or a mail. */
public final class Secrets {

    private static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:\\s]*):[^/@\\s]*@");
    /** What a password becomes, with the colon and at sign around it. */
    private static final String MASKED = ":***@";

    private Secrets() {
    }

    public static String mask(String text) {
        return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1" + MASKED);
    }

    /**
     * Whether {@code json} (already masked) shows a masked password anywhere: true for everything that had one
     * before {@link #maskJson}, and also for a URL its user wrote with "***" as the password.
     */
    public static boolean hidesAny(JsonObject json) {
        return json != null && json.encode().contains(MASKED);
    }

    /** A copy of {@code json} with every string in it, however deep, masked. */
    public static JsonObject maskJson(JsonObject json) {
        if (json == null) {
            return null;
        }
        JsonObject out = new JsonObject();
        json.forEach(e -> out.put(e.getKey(), maskValue(e.getValue())));
        return out;
    }

    private static Object maskValue(Object value) {
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof JsonObject o) {
            return maskJson(o);
        }
        if (value instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(v -> out.add(maskValue(v)));
            return out;
        }
        return value;
    }
}
