package org.fbs.spec;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A kickstart (or, for kiwi, a kiwi description file) that travels with a dvd or live build. The master fetched
 * or received the text before the build was stored; a worker never reads a path or URL from the request.
 *
 * @param name a label for logs and mails: the uploaded file's name or the URL it was fetched from
 * @param text the content
 */
public record Kickstart(String name, String text) {

    public Kickstart {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }

    JsonObject toJson() {
        return new JsonObject().put("name", name).put("text", text);
    }
}
