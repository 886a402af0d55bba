package org.fbs.build;

import java.nio.file.Path;
import java.util.List;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;
import org.fbs.spec.Repo;

/** A boot.iso made by lorax. */
final class LoraxBoot extends ToolKind {

    /** Its version flag -V: argparse's action="version" prints "lorax-VERSION" (lorax 46 src/pylorax/cmdline.py). */
    LoraxBoot() {
        super(ImageKinds.BOOT, "lorax", "/usr/sbin/lorax", "-V");
    }

    @Override
    public boolean builds(ImageType type, String tool) {
        return type == ImageType.BOOT;
    }

    /**
     * lorax 46 {@code src/sbin/lorax} exits with "--source, --repo, or both are required." when no {@code -s} is given:
     * a mirror list ({@code -m}) alone does not do.
     */
    @Override
    public List<String> refusals(BuildSpec spec) {
        if (spec.boot().repos().stream().map(Repo::url).anyMatch(url -> url != null)) {
            return List.of();
        }
        return List.of("[boot] " + spec.release() + "_url: required: lorax needs a base URL of the release"
            + " repository (lorax -s); a mirror list alone (" + spec.release() + "_mirror) is refused"
            + " (\"--source, --repo, or both are required.\")");
    }

    @Override
    public boolean readsKickstart() {
        return false;
    }

    @Override
    public ImageCommand command(BuildSpec spec, Path workDir, Path sideRepo, ToolSetup setup) {
        return new LoraxCommand(setup.program(), spec, workDir, sideRepo, !setup.hfsplus());
    }

    @Override
    public String product(BuildSpec spec) {
        return spec.boot().product();
    }
}
