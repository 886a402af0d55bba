package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fbs.spec.KickstartException;
import org.fbs.spec.KickstartIncludes;
import org.fbs.spec.Kickstart;

/**
 * Checks, and flattens, the kickstart that came with a build, on the worker, right before a tool reads it. A build
 * brings exactly one kickstart, so any %include or %ksappend line fails the build naming the line (the master
 * refuses them at submit; this holds for a spec that came past an older or a forged master): ksflatten,
 * livemedia-creator and pungi run as root and would read the worker's files or fetch URLs into a kickstart that is
 * then staged. ksflatten, when installed, then normalizes the kickstart (and refuses one pykickstart cannot parse);
 * its output is checked again before the image tool gets it.
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
        refuseIncludes("kickstart " + kickstart.name() + ": ", kickstart.text());
        if (ksflatten == null) {
            log.line("kickstart " + kickstart.name() + " used as it came (ksflatten is not installed; it has no"
                + " includes to flatten)");
            return kickstart.text();
        }
        Path folder = Files.createDirectories(dir.resolve("ksflatten"));
        Files.writeString(folder.resolve(name), kickstart.text());
        List<String> args = List.of(ksflatten, "-c", name, "-o", FLAT);
        log.line("running: " + String.join(" ", args));
        ToolProcess.Result result = ToolProcess.run(args, folder, log, running, build, limit);
        if (result.exitCode() != 0) {
            throw new BuildFailure("ksflatten could not flatten the kickstart " + kickstart.name() + " (status "
                + result.exitCode() + "):\n" + String.join("\n", result.tail()));
        }
        String flat = Files.readString(folder.resolve(FLAT));
        refuseIncludes("the kickstart ksflatten wrote from " + kickstart.name() + ": ", flat);
        return flat;
    }

    private static void refuseIncludes(String where, String text) throws BuildFailure {
        try {
            KickstartIncludes.refuse(where, text);
        } catch (KickstartException e) {
            throw new BuildFailure(e.getMessage());
        }
    }

    /** A safe file name for the kickstart: the last part of its name or URL, else kickstart.ks. */
    static String fileName(String name) {
        String last = name.substring(name.lastIndexOf('/') + 1);
        return last.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,100}") ? last : "kickstart.ks";
    }
}
