package org.fbs.cli;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fbs logs ID [--follow]}: a build's log, through the master (which reads it from the build's worker). */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = {"Print a build's log. The master reads it from the worker that runs or ran it; only the master "
        + "needs to be reachable. With --follow, print new lines as they are written until the build ends (waiting "
        + "while it is queued). Of an ended build whose worker no longer has the log, the last lines the master kept.",
        "Exit code 0 (with --follow: if the build SUCCEEDED); 1 if there is no such build or no log, or with --follow "
            + "the build FAILED or was CANCELED; 2 if the master, or the worker behind it, cannot be reached."})
public final class LogsCommand extends ClientCommand {

    @Parameters(paramLabel = "ID", description = "the build's id")
    long id;

    @Option(names = {"-f", "--follow"}, description = "keep printing until the build ends")
    boolean follow;

    @Override
    int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
        if (follow) {
            return Ending.print(new BuildFollower(master, out(), err()).follow(id), out());
        }
        MasterClient.Log log = master.log(id, false);
        if (log.tail()) {
            BuildFollower.sayTail(id, err());
        }
        try (Reader reader = new InputStreamReader(log.body(), StandardCharsets.UTF_8)) {
            reader.transferTo(out());
        } catch (IOException e) {
            throw new MasterClient.Unreachable("the log of build " + id + " from the FBS master at " + master.url(), e);
        }
        return OK;
    }
}
