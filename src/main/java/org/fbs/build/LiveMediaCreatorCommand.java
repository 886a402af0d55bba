package org.fbs.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.LiveOptions;

/**
 * The livemedia-creator command line for a live spec ({@code --make-iso --no-virt} from a flattened kickstart), as
 * an argument list. The worker chooses every path.
 *
 * @param workDir  the build's own folder: the kickstart, logs, temp dir and result dir go inside it
 * @param sideRepo the side repository (a createrepo_c repo dir), or null; it goes into the kickstart
 */
public record LiveMediaCreatorCommand(String program, BuildSpec spec, Path workDir, Path sideRepo) {

    static final int MAX_VOLID = 32;

    /** The kickstart livemedia-creator reads: flattened, with the side repository line. */
    public Path kickstartFile() {
        return workDir.resolve("live.ks");
    }

    /** The final kickstart text from the flattened one. */
    public String kickstart(String flattened) {
        return SideRepoLine.addTo(flattened, sideRepo);
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
        return project().replace(' ', '-') + "-Live-" + spec.arch() + "-" + releasever() + ".iso";
    }

    /** The label from the spec, else PROJECT-Live-RELEASEVER cut to the 32 characters an ISO volume id has. */
    public String volid() {
        String label = spec.live().label();
        if (label != null) {
            return label;
        }
        String volid = project().replace(' ', '-') + "-Live-" + releasever();
        return volid.length() <= MAX_VOLID ? volid : volid.substring(0, MAX_VOLID);
    }

    public List<String> arguments() {
        LiveOptions live = spec.live();
        List<String> args = new ArrayList<>(List.of(program,
            "--make-iso",
            "--no-virt",
            "--ks", kickstartFile().toString(),
            "--resultdir", resultDir().toString(),
            "--project", project(),
            "--releasever", releasever(),
            "--volid", volid()));
        if (live.title() != null) {
            args.add("--title");
            args.add(live.title());
        }
        args.addAll(List.of(
            "--iso-only",
            "--iso-name", isoName(),
            "--logfile", workDir.resolve("livemedia.log").toString(),
            "--tmp", workDir.resolve("tmp").toString()));
        return List.copyOf(args);
    }

    private String project() {
        return Objects.requireNonNullElse(spec.live().product(), "Fedora");
    }

    private String releasever() {
        return Objects.requireNonNullElse(spec.live().releasever(), spec.release());
    }
}
