package org.fbs.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fbs status [ID]}: one build in full, or my builds that have not ended. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show a build: its state and stage, the reason it waits or failed, its worker and log, and the "
        + "files it made with their size and SHA-256. Without ID, your builds that have not ended yet.",
        "Exit code 0; 1 if the master refused (no such build); 2 for no master."})
public final class StatusCommand extends ClientCommand {

    @Parameters(paramLabel = "ID", arity = "0..1", description = "the build's id")
    Long id;

    @Override
    int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
        if (id != null) {
            out().print(BuildText.details(master.build(id)));
            return OK;
        }
        JsonArray active = new JsonArray();
        StringBuilder counts = new StringBuilder();
        for (String state : BuildText.ACTIVE) {
            JsonArray some = master.builds(Map.of("state", state, "limit", "1000"));
            some.forEach(active::add);
            if (!some.isEmpty()) {
                counts.append(counts.length() == 0 ? "" : ", ").append(some.size()).append(' ')
                    .append(state.toLowerCase(Locale.ROOT));
            }
        }
        if (active.isEmpty()) {
            out().println("no builds queued or running");
            return OK;
        }
        // Newest first, as the API lists each state.
        JsonArray sorted = new JsonArray(active.stream().map(JsonObject.class::cast)
            .sorted(Comparator.comparing((JsonObject b) -> b.getLong("id")).reversed()).toList());
        out().println(active.size() + (active.size() == 1 ? " build" : " builds") + " not ended yet: " + counts);
        out().print(BuildText.table(sorted));
        return OK;
    }
}
