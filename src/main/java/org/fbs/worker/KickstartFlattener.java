package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fbs.build.KickstartException;
import org.fbs.build.KickstartIncludes;
import org.fbs.spec.Kickstart;

/**
 * Flattens the kickstart that came with a build. Its includes are first checked by FBS's own resolver, which refuses
 * any that leaves the build's files (today: the kickstart alone); then ksflatten, when installed, does the
 * flattening, else our resolver's result is used. So ksflatten, run as root, never reads a file of the worker's.
 */
final class KickstartFlattener {

    /** ksflatten's output; it starts with a dot, which no input name does, so the two never meet. */
    static final String FLAT = ".fbs-flat.ks";

    private final String ksflatten;
    private final RunningTools running;

    /** @param ksflatten the ksflatten program, or null when it is not installed */
    KickstartFlattener(String ksflatten, RunningTools running) {
        this.ksflatten = ksflatten;
        this.running = running;
    }

    String flatten(long build, Kickstart kickstart, Path dir, BuildLog log, Duration limit)
        throws BuildFailure, IOException, InterruptedException {
        String name = fileName(kickstart.name());
        Map<String, String> files = Map.of(name, kickstart.text());
        String ours;
        try {
            ours = KickstartIncludes.flatten(name, files);
        } catch (KickstartException e) {
            throw new BuildFailure("kickstart " + kickstart.name() + ": " + e.getMessage());
        }
        if (ksflatten == null) {
            log.line("kickstart " + kickstart.name() + " flattened by FBS (ksflatten is not installed)");
            return ours;
        }
        Path folder = Files.createDirectories(dir.resolve("ksflatten"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue());
        }
        List<String> args = List.of(ksflatten, "-c", name, "-o", FLAT);
        log.line("running: " + String.join(" ", args));
        ToolProcess.Result result = ToolProcess.run(args, folder, log, running, build, limit);
        if (result.exitCode() != 0) {
            throw new BuildFailure("ksflatten could not flatten the kickstart " + kickstart.name() + " (status "
                + result.exitCode() + "):\n" + String.join("\n", result.tail()));
        }
        return Files.readString(folder.resolve(FLAT));
    }

    /** A safe file name for the kickstart: the last part of its name or URL, else kickstart.ks. */
    static String fileName(String name) {
        String last = name.substring(name.lastIndexOf('/') + 1);
        return last.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,100}") ? last : "kickstart.ks";
    }
}
