package org.fbs.master;

import io.vertx.core.json.JsonObject;
import org.fbs.build.Secrets;

/** A build as users see it, in the API and on the pages. */
public final class BuildView {

    private BuildView() {
    }

    /** Without the internal bookkeeping, and never with a password in it. */
    public static JsonObject of(JsonObject build) {
        JsonObject view = Secrets.maskJson(build);
        view.remove("lastSeq");
        view.remove("address");
        return view;
    }
}
