package org.fbs.master;

import io.vertx.core.json.JsonObject;
import org.fbs.build.Secrets;

/** A build as users see it, in the API and on the pages. */
public final class BuildView {

    private BuildView() {
    }

    /**
     * Without the internal bookkeeping, and never with a password in it. The kept log tail is read with the log
     * ({@code GET /api/v1/builds/{id}/log}), not with every listing.
     */
    public static JsonObject of(JsonObject build) {
        JsonObject view = Secrets.maskJson(build);
        view.remove("lastSeq");
        view.remove("address");
        view.remove("logTail");
        view.remove("lease");
        view.remove("deadLeases");
        return view;
    }
}
