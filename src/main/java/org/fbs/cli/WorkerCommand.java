package org.fbs.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fbs worker drain|undrain WORKER}: for admins. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Drain or undrain a worker (admins only).",
    subcommands = {WorkerCommand.Drain.class, WorkerCommand.Undrain.class})
public final class WorkerCommand {

    @Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Drain a worker: it finishes the builds it runs and takes no new ones; with --exit it also "
            + "stops once they are done.",
            "Exit code 0; 1 if the master refused (no such worker, not an admin); 2 for no master."})
    public static final class Drain extends ClientCommand {

        @Parameters(paramLabel = "WORKER", description = "the worker's id (see fbs workers)")
        String worker;

        @Option(names = "--exit", description = "stop the worker's process once its builds are done")
        boolean exit;

        @Override
        int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
            JsonObject status = master.drain(worker, exit);
            int running = status.getJsonArray("running", new JsonArray()).size();
            out().println("worker " + status.getString("worker", worker) + " is draining: it takes no new builds"
                + (running == 0 ? "" : " and finishes the " + running + " it runs")
                + (exit ? ", then stops" : ""));
            return OK;
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true,
        description = {"Let a drained worker take builds again.",
            "Exit code 0; 1 if the master refused (no such worker, not an admin); 2 for no master."})
    public static final class Undrain extends ClientCommand {

        @Parameters(paramLabel = "WORKER", description = "the worker's id (see fbs workers)")
        String worker;

        @Override
        int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
            JsonObject status = master.undrain(worker);
            out().println("worker " + status.getString("worker", worker) + " takes builds again ("
                + status.getInteger("free", 0) + " free of " + status.getInteger("slots", 0) + " slots)");
            return OK;
        }
    }
}
