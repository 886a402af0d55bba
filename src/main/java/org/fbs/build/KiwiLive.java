package org.fbs.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;
import org.fbs.spec.LiveOptions;

/** A live ISO made by kiwi-ng from a kiwi description (the spec's {@code tool=kiwi}). */
final class KiwiLive extends ToolKind {

    /** Its version flag --version: "KIWI (next generation) version VERSION". */
    KiwiLive() {
        super(ImageKinds.LIVE_KIWI, "kiwi-ng", "/usr/bin/kiwi-ng", "--version");
    }

    @Override
    public String describe() {
        return "live (kiwi)";
    }

    @Override
    public boolean builds(ImageType type, String tool) {
        return type == ImageType.LIVE && LiveOptions.KIWI.equals(tool);
    }

    @Override
    public List<String> refusals(BuildSpec spec) {
        return List.of();
    }

    @Override
    public boolean readsKickstart() {
        return false;
    }

    @Override
    public ImageCommand command(BuildSpec spec, Path workDir, Path sideRepo, ToolSetup setup) {
        return new KiwiCommand(setup.program(), spec, workDir, sideRepo);
    }

    @Override
    public String product(BuildSpec spec) {
        return Objects.requireNonNullElse(spec.live().product(), "Fedora");
    }
}
