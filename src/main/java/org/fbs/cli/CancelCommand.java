package org.fbs.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fbs cancel ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = {"Cancel a build: a queued one ends at once; a running one is stopped by its worker (the image "
        + "tool and everything it started), which then ends it CANCELED.",
        "Exit code 0; 1 if the master refused (no such build, or it has already ended); 2 for no master."})
public final class CancelCommand extends ClientCommand {

    @Parameters(paramLabel = "ID", description = "the build's id")
    long id;

    @Override
    int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
        JsonObject build = master.cancel(id);
        if (BuildText.isFinal(build)) {
            out().println("build " + id + " " + build.getString("state")
                + (build.getString("reason") == null ? "" : ": " + build.getString("reason")));
        } else {
            out().println("build " + id + " is being stopped by worker " + build.getString("worker")
                + "; it ends CANCELED once the worker has stopped it (fbs status " + id + ")");
        }
        return OK;
    }
}
