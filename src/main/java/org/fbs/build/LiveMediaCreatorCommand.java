package org.fbs.build;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.LiveOptions;

/**
 * The livemedia-creator command line for a live spec ({@code --make-iso} from a flattened kickstart), as an argument
 * list. The worker chooses every path. Checked against lorax 46's {@code lmc_parser} ({@code src/pylorax/cmdline.py})
 * and the option checks of {@code src/sbin/livemedia-creator}: there is no {@code --title} (removed in lorax 32), a
 * virt install needs {@code --iso}, and {@code --no-virt} runs anaconda on the host.
 *
 * @param workDir     the build's own folder: the kickstart, logs, temp dir and result dir go inside it
 * @param sideRepo    the side repository (a createrepo_c repo dir), or null; it goes into the kickstart
 * @param virtBootIso the installer boot.iso of {@code worker.isolation: virt}: livemedia-creator installs in a VM
 *                    booted from it instead of running anaconda on the host ({@code --no-virt}); null for the host
 */
public record LiveMediaCreatorCommand(String program, BuildSpec spec, Path workDir, Path sideRepo, Path virtBootIso)
    implements KickstartCommand {

    static final int MAX_VOLID = 32;

    @Override
    public String kickstartName() {
        return "live.ks";
    }

    /** livemedia-creator refuses a result dir that exists, so this one is fresh inside the work dir. */
    public Path resultDir() {
        return workDir.resolve("lmc-results");
    }

    /** Where the ISO lands: with --iso-only, the result dir holds just the ISO under --iso-name. */
    public Path iso() {
        return resultDir().resolve(isoName());
    }

    public String isoName() {
        return isoName(spec);
    }

    /** PROJECT-Live-ARCH-RELEASEVER.iso, spaces as dashes. */
    static String isoName(BuildSpec spec) {
        return project(spec).replace(' ', '-') + "-Live-" + spec.arch() + "-" + releasever(spec) + ".iso";
    }

    /** The label from the spec, else PROJECT-Live-RELEASEVER cut to the 32 characters an ISO volume id has. */
    public String volid() {
        String label = spec.live().label();
        if (label != null) {
            return label;
        }
        String volid = project(spec).replace(' ', '-') + "-Live-" + releasever(spec);
        return volid.length() <= MAX_VOLID ? volid : volid.substring(0, MAX_VOLID);
    }

    @Override
    public List<String> arguments() {
        List<String> args = new ArrayList<>(List.of(program, "--make-iso"));
        if (virtBootIso == null) {
            args.add("--no-virt");
        } else {
            // Virt mode: anaconda installs inside a VM (qemu) booted from the installer ISO; lmc refuses a virt
            // install without --iso ("virt install needs an install iso.").
            args.add("--iso");
            args.add(virtBootIso.toString());
        }
        args.addAll(List.of(
            "--ks", kickstartFile().toString(),
            "--resultdir", resultDir().toString(),
            "--project", project(spec),
            "--releasever", releasever(spec),
            "--volid", volid(),
            "--iso-only",
            "--iso-name", isoName(),
            "--logfile", workDir.resolve("livemedia.log").toString(),
            "--tmp", workDir.resolve("tmp").toString()));
        return List.copyOf(args);
    }

    @Override
    public List<String> notes() {
        LiveOptions live = spec.live();
        if (live.title() == null) {
            return List.of();
        }
        return List.of("[live] title '" + live.title() + "' is not passed: livemedia-creator has no --title option"
            + " since lorax 32 (the boot menu takes the project and release instead)");
    }

    @Override
    public List<Path> isos() {
        return Files.isRegularFile(iso()) ? List.of(iso()) : List.of();
    }

    static String project(BuildSpec spec) {
        return Objects.requireNonNullElse(spec.live().product(), "Fedora");
    }

    private static String releasever(BuildSpec spec) {
        return Objects.requireNonNullElse(spec.live().releasever(), spec.release());
    }
}
