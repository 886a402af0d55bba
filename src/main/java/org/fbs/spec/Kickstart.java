package org.fbs.spec;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A kickstart (or, for kiwi, a kiwi description file) that travels with a dvd or live build. The master fetched
 * or received the text before the build was stored; a worker never reads a path or URL from the request.
 *
 * @param name a label for logs and mails: the uploaded file's name or the URL it was fetched from
 * @param text the content; null only between parsing and the master's fetch from the URL in {@code name}
 */
public record Kickstart(String name, String text) {

    /** The largest kickstart accepted, uploaded or fetched: 1 MiB of UTF-8. */
    public static final int MAX_BYTES = 1024 * 1024;

    public Kickstart {
        Objects.requireNonNull(name, "name");
    }

    /** True while the text is still to be fetched from {@code name}, an http(s) URL. */
    public boolean needsFetch() {
        return text == null;
    }

    /** The keys of a dvd or live section: {@code config} names it, {@code kickstart} holds the text. */
    void putInto(JsonObject section) {
        section.put("config", name);
        if (text != null) {
            section.put("kickstart", text);
        }
    }
}
