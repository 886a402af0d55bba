package org.fbs.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fbs.spec.BootOptions;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.Repo;

/**
 * The lorax command line for a boot spec, as an argument list (never a shell string). The worker chooses
 * every path; nothing in the spec names one.
 *
 * @param workDir  the build's own folder: lorax's log, temp dir and output dir go inside it
 * @param sideRepo the build's side repository of extra packages from Koji; null when there is none
 */
public record LoraxCommand(String program, BuildSpec spec, Path workDir, Path sideRepo) {

    /** lorax refuses an output dir that exists, so this one is fresh inside the work dir. */
    public Path outputDir() {
        return workDir.resolve("lorax-out");
    }

    /** Where lorax writes the boot ISO. */
    public Path bootIso() {
        return outputDir().resolve("images").resolve("boot.iso");
    }

    public List<String> arguments() {
        BootOptions boot = spec.boot();
        List<String> args = new ArrayList<>(List.of(program,
            "-p", boot.product(),
            "-v", boot.version(),
            "-r", boot.release()));
        for (Repo repo : boot.repos()) {
            if (repo.url() != null) {
                args.add("-s");
                args.add(repo.url());
            }
        }
        if (sideRepo != null) {
            args.add("-s");
            args.add("file://" + sideRepo);
        }
        for (Repo repo : boot.repos()) {
            if (repo.mirror() != null) {
                args.add("-m");
                args.add(repo.mirror());
            }
        }
        if (boot.proxy() != null) {
            args.add("--proxy");
            args.add(boot.proxy());
        }
        // One option, one value: the 2012 service passed "--buildarch=" and the arch apart, which lorax rejects.
        args.add("--buildarch");
        args.add(spec.arch());
        args.add("--logfile");
        args.add(workDir.resolve("lorax.log").toString());
        args.add("--tmp");
        args.add(workDir.resolve("tmp").toString());
        args.add(outputDir().toString());
        return List.copyOf(args);
    }
}
