package org.fbs.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;
import org.fbs.spec.LiveOptions;

/** A live ISO made by kiwi-ng from a kiwi description (the spec's {@code tool=kiwi}). */
final class KiwiLive implements ImageKind {

    /** kiwi-ng's version flag: "KIWI (next generation) version VERSION". */
    static final String VERSION_FLAG = "--version";

    @Override
    public String name() {
        return ImageKinds.LIVE_KIWI;
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
    public String tool() {
        return "kiwi-ng";
    }

    @Override
    public String defaultProgram() {
        return "/usr/bin/kiwi-ng";
    }

    @Override
    public List<String> probeFlags() {
        return List.of(VERSION_FLAG);
    }

    @Override
    public Capability capability(ToolAnswers answers) {
        return Capability.available(answers.firstLine(VERSION_FLAG));
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
