package org.fbs.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the master: finds it ({@link ClientConfig}), runs, and turns what went wrong into the
 * message a user reads and the exit code: 0 done, 1 the master said no (or the build failed), 2 a bad setting or
 * no master at the URL.
 */
abstract class ClientCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int NO = 1;
    static final int TROUBLE = 2;

    @Spec
    CommandSpec command;

    @Option(names = "--url", paramLabel = "URL",
        description = "the master's URL (default: FBS_URL, else url: in client.yaml, else " + ClientConfig.DEFAULT_URL
            + ")")
    String url;

    private Map<String, String> environment = System.getenv();

    /** The environment the settings are read from (tests give their own). */
    void environment(Map<String, String> env) {
        this.environment = env;
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }

    @Override
    public final Integer call() {
        ClientConfig config;
        try {
            config = ClientConfig.resolve(url, environment);
        } catch (ClientConfig.ConfigException e) {
            err().println("error: " + e.getMessage());
            return TROUBLE;
        }
        config.warnings().forEach(w -> err().println("warning: " + w));
        try {
            return run(new MasterClient(config));
        } catch (MasterClient.Unreachable e) {
            err().println("error: cannot reach " + e.what + ": " + e.getMessage());
            return TROUBLE;
        } catch (MasterClient.Refused e) {
            err().println("error: " + e.getMessage());
            e.errors.forEach(line -> err().println("  " + line));
            if (e.status == 401) {
                err().println("  (give a token: FBS_TOKEN, or token: in " + ClientConfig.file(environment) + ")");
            }
            return NO;
        } finally {
            out().flush();
            err().flush();
        }
    }

    abstract int run(MasterClient master) throws MasterClient.Unreachable, MasterClient.Refused;
}
