package org.fbs.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fbs submit SPEC [--follow]}: sends a spec to the master, which checks, stores and queues it. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submit a build: send a spec (INI, or JSON if it starts with '{') to the master, which checks it, "
        + "stores it and queues it. Prints the build's id and URL; with --follow, its log until it ends.",
        "Exit code 0 if it was queued (with --follow: if it SUCCEEDED); 1 if the master refused it (every error "
            + "is printed) or, with --follow, it FAILED or was CANCELED; 2 for an unreadable file or no master."})
public final class SubmitCommand extends ClientCommand {

    @Parameters(paramLabel = "SPEC", description = "the spec file")
    Path file;

    @Option(names = {"-f", "--follow"}, description = "print the build's log as it is written, until the build ends")
    boolean follow;

    @Override
    int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused {
        String spec;
        try {
            spec = SpecFile.read(file);
        } catch (NoSuchFileException e) {
            err().println("error: " + file + ": no such file");
            return TROUBLE;
        } catch (IOException e) {
            err().println("error: " + file + ": cannot read: " + e.getMessage());
            return TROUBLE;
        }
        JsonObject build = master.submit(spec);
        long id = build.getLong("id");
        out().println("build " + id + " queued: " + BuildText.image(build) + ", " + master.buildUrl(id));
        out().flush();
        if (!follow) {
            return OK;
        }
        return Ending.print(new BuildFollower(master, out(), err()).follow(id), out());
    }
}
