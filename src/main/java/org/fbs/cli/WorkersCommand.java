package org.fbs.cli;

import io.vertx.core.json.JsonArray;
import java.time.Instant;
import picocli.CommandLine.Command;

/** {@code fbs workers}: the cluster as the master sees it. */
@Command(name = "workers", mixinStandardHelpOptions = true,
    description = {"List the workers the master has heard from lately: what each builds (arch/release, image "
        + "types), its slots, the builds it runs, whether it is draining, and when it was last heard from.",
        "Exit code 0; 2 for no master."})
public final class WorkersCommand extends ClientCommand {

    @Override
    int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
        JsonArray workers = master.workers();
        if (workers.isEmpty()) {
            out().println("no workers: none has announced itself to the master lately");
        } else {
            out().print(BuildText.workers(workers, Instant.now()));
        }
        return OK;
    }
}
