package org.fbs.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;

/** How a followed build ended, printed, and the exit code it makes: 0 SUCCEEDED, 1 FAILED or CANCELED. */
final class Ending {

    private Ending() {
    }

    static int print(JsonObject build, PrintWriter out) {
        String state = build.getString("state");
        String reason = build.getString("reason");
        out.println("build " + build.getLong("id") + " " + state
            + (reason == null || state.equals("SUCCEEDED") ? "" : ": " + reason));
        out.print(BuildText.artifacts(build));
        out.flush();
        return state.equals("SUCCEEDED") ? ClientCommand.OK : ClientCommand.NO;
    }
}
