package org.fbs.build;

import java.util.List;

/**
 * An image kind, made by one program found at a default path unless {@code worker.tools} says else, whose version the
 * worker learns by running it with one flag: what the kinds have in common, said once.
 */
abstract class ToolKind implements ImageKind {

    private final String name;
    private final String tool;
    private final String defaultProgram;
    /** The flag that makes the program print its version on the first line. */
    private final String versionFlag;

    ToolKind(String name, String tool, String defaultProgram, String versionFlag) {
        this.name = name;
        this.tool = tool;
        this.defaultProgram = defaultProgram;
        this.versionFlag = versionFlag;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String tool() {
        return tool;
    }

    @Override
    public final String defaultProgram() {
        return defaultProgram;
    }

    @Override
    public List<String> probeFlags() {
        return List.of(versionFlag);
    }

    /** Usable, whatever version it says. */
    @Override
    public Capability capability(ToolAnswers answers) {
        return Capability.available(answers.firstLine(versionFlag));
    }
}
