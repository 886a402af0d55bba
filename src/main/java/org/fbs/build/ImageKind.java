package org.fbs.build;

import java.nio.file.Path;
import java.util.List;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;

/**
 * One kind of image FBS builds, and everything that differs between kinds: which spec asks for it, the tool that
 * makes it, how a worker tells what its copy of that tool can do, what the tool would refuse in a spec, its command
 * line, and what it leaves behind. One class per kind, found through {@link ImageKinds}: adding a kind is one class
 * here and one spec section.
 */
public interface ImageKind {

    /** The kind's name, as workers announce it and builds need it: {@code boot}, {@code live}, {@code dvd}... */
    String name();

    /** The kind in words, for users. */
    default String describe() {
        return name();
    }

    /** Whether a spec of {@code type} whose section says {@code tool} (its {@code tool} key, or null) is this kind. */
    boolean builds(ImageType type, String tool);

    /** The {@code worker.tools} entry of the program that makes it, e.g. {@code lorax}. */
    String tool();

    /** Where that program is when {@code worker.tools} does not say. */
    String defaultProgram();

    /** The flags the worker runs the tool with at start, one run each, to learn what it can do without building. */
    List<String> probeFlags();

    /** What the worker's tool can do, from what it printed for {@link #probeFlags()} (see {@link ToolAnswers}). */
    Capability capability(ToolAnswers answers);

    /**
     * Every {@code worker.tools} entry this kind may build with, {@link #tool()} first. A kind with several routes
     * (dvd: the legacy pungi script or a pungi-koji compose) lists one per route.
     */
    default List<String> tools() {
        return List.of(tool());
    }

    /** Where {@code tool} (one of {@link #tools()}) is when {@code worker.tools} does not say. */
    default String defaultProgram(String tool) {
        return defaultProgram();
    }

    /** The flags the worker asks {@code tool} (one of {@link #tools()}) at start. */
    default List<String> probeFlags(String tool) {
        return probeFlags();
    }

    /**
     * What this worker can do for the kind, from what each of its {@link #tools()} answered.
     *
     * @param answered each usable tool's answers, by {@code worker.tools} entry
     * @param problems each unusable tool's problem ("not found"...), by entry
     */
    default Capability capability(java.util.Map<String, ToolAnswers> answered, java.util.Map<String, String> problems) {
        ToolAnswers answers = answered.get(tool());
        return answers != null ? capability(answers) : Capability.unavailable(null, problems.get(tool()));
    }

    /** The master's waiting reason when no worker for {@code where} (an arch/release) can build this kind. */
    default String noWorkerReason(String where) {
        return "no worker online can build " + describe() + " for " + where;
    }

    /**
     * What the tool would refuse in {@code spec}, so that the spec is refused at submit instead of failing after the
     * image ran: each problem as {@code [section] key: reason}; empty when the tool takes it.
     */
    List<String> refusals(BuildSpec spec);

    /** Whether the tool reads a kickstart that the worker flattens first (ksflatten) and hands it. */
    boolean readsKickstart();

    /**
     * The command that builds {@code spec} in the build's own {@code workDir}, with the side repository (or null) and
     * what the worker's tools can do.
     */
    ImageCommand command(BuildSpec spec, Path workDir, Path sideRepo, ToolSetup setup);

    /** The product name the build's staging folder starts with. */
    String product(BuildSpec spec);
}
