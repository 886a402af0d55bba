package org.fbs.build;

import java.nio.file.Path;
import java.util.List;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;
import org.fbs.spec.LiveOptions;

/** A live ISO made by livemedia-creator from a kickstart. */
final class LmcLive extends ToolKind {

    /** Its version flag -V, as lorax's (lorax 46 src/pylorax/cmdline.py lmc_parser): "livemedia-creator-VERSION". */
    LmcLive() {
        super(ImageKinds.LIVE, "livemedia-creator", "/usr/sbin/livemedia-creator", "-V");
    }

    @Override
    public boolean builds(ImageType type, String tool) {
        return type == ImageType.LIVE && !LiveOptions.KIWI.equals(tool);
    }

    /** The ISO is named after the product: one our staging cannot take fails the build after the image ran. */
    @Override
    public List<String> refusals(BuildSpec spec) {
        String iso = LiveMediaCreatorCommand.isoName(spec);
        if (StagedNames.stageable(iso)) {
            return List.of();
        }
        return List.of("[live] product: the ISO would be named '" + iso + "', which cannot be staged (a file name"
            + " takes letters, digits, dots, dashes, underscores and plus signs, not starting with a dot)");
    }

    @Override
    public boolean readsKickstart() {
        return true;
    }

    @Override
    public ImageCommand command(BuildSpec spec, Path workDir, Path sideRepo, ToolSetup setup) {
        return new LiveMediaCreatorCommand(setup.program(), spec, workDir, sideRepo, setup.virtBootIso());
    }

    @Override
    public String product(BuildSpec spec) {
        return LiveMediaCreatorCommand.project(spec);
    }
}
