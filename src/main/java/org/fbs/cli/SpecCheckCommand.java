package org.fbs.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fbs spec check FILE}: validates a spec as the master would, and prints every error. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Check a build spec (INI, or JSON if it starts with '{') and print every error. "
        + "Exit code 0 if it is valid, 1 if not. A kickstart URL is not fetched here: the master fetches it.")
public final class SpecCheckCommand implements Callable<Integer> {

    /** More than any valid spec: a JSON spec may carry a 1 MiB kickstart. */
    private static final int MAX_READ = 2 * 1024 * 1024;

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
            text = read(file);
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return 1;
        }
        try {
            BuildSpec spec = parse(text);
            out.println(file + ": ok, a " + spec.type().section() + " image for " + spec.arch() + "/" + spec.release());
            return 0;
        } catch (SpecException e) {
            e.errors().forEach(error -> err.println(file + ": " + error));
            return 1;
        }
    }

    private static BuildSpec parse(String text) throws SpecException {
        if (!text.strip().startsWith("{")) {
            return SpecParser.fromIni(text);
        }
        try {
            return SpecParser.fromJson((JsonObject) Json.decodeValue(text));
        } catch (DecodeException | ClassCastException e) {
            throw new SpecException(List.of("spec: not a valid JSON object"));
        }
    }

    /** The file as UTF-8, read no further than the limit so that a wrong path to a huge file fails fast. */
    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_READ + 1);
            if (bytes.length > MAX_READ) {
                throw new IOException("larger than " + MAX_READ / 1024 / 1024 + " MiB; not a build spec");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
