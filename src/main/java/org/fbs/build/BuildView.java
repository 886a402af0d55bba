package org.fbs.build;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A build as users see it, in the API and on the pages. */
public final class BuildView {

    private BuildView() {
    }

    /** As {@link #of(JsonObject, Instant)}, a build that has not ended timed up to this moment. */
    public static JsonObject of(JsonObject build) {
        return of(build, Instant.now());
    }

    /**
     * Without the internal bookkeeping, and never with a password in it. The kept log tail is read with the log
     * ({@code GET /api/v1/builds/{id}/log}), not with every listing. With {@code durations}: the time spent in each
     * part of its life ({@link BuildTimes}), the part it is in counted up to {@code now}.
     */
    public static JsonObject of(JsonObject build, Instant now) {
        JsonObject view = Secrets.maskJson(build);
        view.remove("lastSeq");
        view.remove("address");
        view.remove("logTail");
        view.remove("lease");
        view.remove("deadLeases");
        JsonArray history = build.getJsonArray("history");
        if (history != null && !history.isEmpty()) {
            view.put("durations", BuildTimes.of(history.stream()
                .map(o -> Transition.fromJson((JsonObject) o)).toList(), now).toJson());
        }
        return view;
    }
}
