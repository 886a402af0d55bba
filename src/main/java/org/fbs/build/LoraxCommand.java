package org.fbs.build;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fbs.spec.BootOptions;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.Repo;

/**
 * The lorax command line for a boot spec, as an argument list (never a shell string). The worker chooses
 * every path; nothing in the spec names one. Checked against lorax 46's parser ({@code src/pylorax/cmdline.py},
 * {@code lorax_parser}) and its checks in {@code src/sbin/lorax}.
 *
 * @param workDir the build's own folder: lorax's log, temp dir and output dir go inside it
 * @param sideRepo the side repository (a createrepo_c repo dir) with the build's extra packages, or null
 * @param nomacboot whether to pass {@code --nomacboot}: without hfsplus-tools ({@code mkfs.hfsplus}) on the worker
 *                  lorax fails making the Mac boot image, which it makes by default ({@code --macboot})
 */
public record LoraxCommand(String program, BuildSpec spec, Path workDir, Path sideRepo, boolean nomacboot)
    implements ImageCommand {

    /** The command for a worker without hfsplus-tools (it passes --nomacboot). */
    public LoraxCommand(String program, BuildSpec spec, Path workDir, Path sideRepo) {
        this(program, spec, workDir, sideRepo, true);
    }

    /** lorax refuses a volume id longer than this instead of shortening it. */
    static final int MAX_VOLID = 32;

    /** lorax refuses an output dir that exists, so this one is fresh inside the work dir. */
    public Path outputDir() {
        return workDir.resolve("lorax-out");
    }

    /** Where lorax writes the boot ISO. */
    public Path bootIso() {
        return outputDir().resolve("images").resolve("boot.iso");
    }

    /**
     * A volume id when lorax's own (PRODUCT-VERSION-ARCH) would be too long for it, else null. The product is cut,
     * so that the version and arch, what testers look for, stay whole.
     */
    public String volid() {
        String product = spec.boot().product().replace(' ', '-');
        String suffix = "-" + spec.boot().version() + "-" + spec.arch();
        if (product.length() + suffix.length() <= MAX_VOLID) {
            return null;
        }
        String volid = product.substring(0, Math.max(1, MAX_VOLID - suffix.length())) + suffix;
        return volid.length() <= MAX_VOLID ? volid : volid.substring(0, MAX_VOLID);
    }

    public List<String> arguments() {
        BootOptions boot = spec.boot();
        List<String> args = new ArrayList<>(List.of(program,
            "-p", boot.product(),
            "-v", boot.version(),
            "-r", boot.release()));
        // Each repository once: lorax makes a repo of every -s and every -m, so a base URL and a mirror list of the
        // same repository would be two repos of the same content. The base URL wins: lorax needs at least one -s
        // (or --repo), which the spec's check at submit makes sure of.
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
            if (repo.url() == null && repo.mirror() != null) {
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
        String volid = volid();
        if (volid != null) {
            args.add("--volid");
            args.add(volid);
        }
        if (nomacboot) {
            args.add("--nomacboot");
        }
        args.add("--logfile");
        args.add(workDir.resolve("lorax.log").toString());
        args.add("--tmp");
        args.add(workDir.resolve("tmp").toString());
        args.add(outputDir().toString());
        return List.copyOf(args);
    }

    @Override
    public List<Path> isos() {
        return Files.isRegularFile(bootIso()) ? List.of(bootIso()) : List.of();
    }
}
