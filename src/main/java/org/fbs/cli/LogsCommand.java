package org.fbs.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fbs logs ID [--follow]}: a build's log, from the worker that runs (or ran) it. */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = {"Print a build's log, read from the worker that runs or ran it. With --follow, print new lines "
        + "as they are written until the build ends (waiting while it is queued).",
        "Exit code 0 (with --follow: if the build SUCCEEDED); 1 if there is no log, or with --follow the build FAILED "
            + "or was CANCELED; 2 if the master or the worker cannot be reached."})
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
        JsonObject build = master.build(id);
        String logUrl = build.getString("logUrl");
        if (logUrl == null) {
            err().println("error: build " + id + " has no log: it is " + build.getString("state")
                + (build.getString("reason") == null ? "" : " (" + build.getString("reason") + ")"));
            return NO;
        }
        InputStream body = master.log(logUrl, false);
        if (body == null) {
            err().println("error: the worker has no log for build " + id + " at " + logUrl
                + BuildFollower.stagedLog(build));
            return NO;
        }
        try (Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
            reader.transferTo(out());
        } catch (IOException e) {
            throw new MasterClient.Unreachable("the build's log at " + logUrl, e);
        }
        return OK;
    }
}
