package org.fbs.cli;

import io.vertx.core.json.JsonArray;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fbs list}: builds, newest first, filtered as the API filters them. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List builds, newest first: your own (an admin sees everyone's).",
        "Exit code 0; 1 if the master refused (a bad filter); 2 for no master."})
public final class ListCommand extends ClientCommand {

    @Option(names = "--state", paramLabel = "S", description = "QUEUED, ASSIGNED, RUNNING, SUCCEEDED, FAILED or CANCELED")
    String state;

    @Option(names = "--type", paramLabel = "T", description = "boot, dvd or live")
    String type;

    @Option(names = "--arch", paramLabel = "A", description = "e.g. x86_64")
    String arch;

    @Option(names = "--release", paramLabel = "R", description = "e.g. 41 or rawhide")
    String release;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "at most N builds (1 to 1000; default ${DEFAULT-VALUE})")
    int limit;

    @Override
    int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("state", state);
        filters.put("type", type);
        filters.put("arch", arch);
        filters.put("release", release);
        filters.put("limit", String.valueOf(limit));
        JsonArray builds = master.builds(filters);
        if (builds.isEmpty()) {
            out().println("no builds");
        } else {
            out().print(BuildText.table(builds));
        }
        return OK;
    }
}
