package org.fbs.master;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;

/**
 * {@code POST /rest}, for clients of the 2012 service: {@code {"config": INI text, "ksfname": kickstart file name
 * or URL, or null, "ks": kickstart text, or null}}. The 2012 client JSON-encoded the INI and the kickstart once
 * more before putting them in the payload, so a value that is itself a JSON string literal is decoded first.
 * {@code ksfname} is a label or a URL and never a path: the 2012 service saved the kickstart under that name, FBS
 * writes nothing, and refuses a name that could be taken for a path so that no client relies on it.
 */
final class RestCompatHandler implements Handler<RoutingContext> {

    /** A 1 MiB kickstart and a 64 KiB spec, both escaped twice, fit. */
    static final long MAX_BODY = 4L * 1024 * 1024;

    private static final Pattern FILE_NAME = Pattern.compile("(?!\\.)[A-Za-z0-9._+-]{1,128}");

    private final BiConsumer<RoutingContext, BuildSpec> store;

    /** @param store stores and queues a parsed spec and answers, as POST /api/v1/builds does */
    RestCompatHandler(BiConsumer<RoutingContext, BuildSpec> store) {
        this.store = store;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Object body;
        try {
            body = Json.decodeValue(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (DecodeException e) {
            body = null;
        }
        if (!(body instanceof JsonObject payload)) {
            ApiErrors.send(ctx, 400, "expected a JSON object with config, ksfname and ks", List.of());
            return;
        }
        List<String> errors = new ArrayList<>();
        String config = text(payload, "config", errors);
        String ksfname = text(payload, "ksfname", errors);
        String ks = text(payload, "ks", errors);
        if (config == null && !errors.contains("config: expected a JSON string")) {
            errors.add("config: required: the build spec's INI text");
        }
        if (ksfname != null && !isUrl(ksfname) && !FILE_NAME.matcher(ksfname).matches()) {
            errors.add("ksfname: expected a file name or an http or https URL, never a path");
        }
        if (!errors.isEmpty()) {
            ApiErrors.send(ctx, 400, "the request has errors", errors);
            return;
        }
        BuildSpec spec;
        try {
            spec = SpecParser.fromIni(config, ksfname, ks);
        } catch (SpecException e) {
            ApiErrors.send(ctx, 400, "the build spec has errors", e.errors());
            return;
        }
        store.accept(ctx, spec);
    }

    /** A member's text, decoded once more if the client encoded it as a JSON string; null if absent or null. */
    private static String text(JsonObject payload, String key, List<String> errors) {
        Object value = payload.getValue(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            errors.add(key + ": expected a JSON string");
            return null;
        }
        String trimmed = text.strip();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            try {
                if (Json.decodeValue(trimmed) instanceof String decoded) {
                    return decoded;
                }
            } catch (DecodeException e) {
                // Not a JSON string after all: take the text as it is.
            }
        }
        return text.isEmpty() ? null : text;
    }

    private static boolean isUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
