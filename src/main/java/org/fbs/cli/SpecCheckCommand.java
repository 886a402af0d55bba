package org.fbs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fbs spec check FILE}: validates a spec as the master would, and prints every error. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Check a build spec (INI, or JSON if it starts with '{') and print every error. "
        + "Exit code 0 if it is valid, 1 if not. A kickstart URL is not fetched here: the master fetches it.")
public final class SpecCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "FILE", description = "the spec file")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        String text;
        try {
            text = SpecFile.read(file);
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return 1;
        }
        try {
            BuildSpec spec = SpecFile.parse(text);
            out.println(file + ": ok, a " + spec.type().section() + " image for " + spec.arch() + "/" + spec.release());
            return 0;
        } catch (SpecException e) {
            e.errors().forEach(error -> err.println(file + ": " + error));
            return 1;
        }
    }
}
