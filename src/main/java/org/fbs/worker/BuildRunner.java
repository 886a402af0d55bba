package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.build.ChecksumFile;
import org.fbs.build.ExtraPackage;
import org.fbs.build.FileTrees;
import org.fbs.build.ImageCommand;
import org.fbs.build.ImageKind;
import org.fbs.build.ImageKinds;
import org.fbs.spec.KickstartException;
import org.fbs.build.KickstartRedaction;
import org.fbs.build.Secrets;
import org.fbs.build.Stage;
import org.fbs.config.WorkerSettings;
import org.fbs.koji.KojiException;
import org.fbs.spec.BuildSpec;
import org.fbs.staging.KeptArtifacts;
import org.fbs.staging.Stagers;
import org.fbs.staging.StagingException;
import org.fbs.protocol.BuildEvent;
import org.fbs.staging.StagingFolder;
import org.fbs.staging.StagingMark;

/**
 * Runs one build on this worker, stage by stage, in a work dir of its own per attempt. Blocking: call it off the
 * event loop.
 */
final class BuildRunner {

    /**
     * How a build ended on the worker: one of four ends, each the event the master is told ({@link #kind()}).
     */
    sealed interface Outcome {

        /** The event that reports this end. */
        BuildEvent.Kind kind();

        /** Why it did not succeed; null when it did. */
        default String reason() {
            return null;
        }

        /** What was staged: the images, checksums and log of a success, the log of a canceled build. */
        default List<Artifact> artifacts() {
            return List.of();
        }

        record Succeeded(List<Artifact> artifacts, List<ExtraPackage> extraPackages) implements Outcome {
            @Override
            public BuildEvent.Kind kind() {
                return BuildEvent.Kind.SUCCEEDED;
            }
        }

        record Failed(String reason) implements Outcome {
            @Override
            public BuildEvent.Kind kind() {
                return BuildEvent.Kind.FAILED;
            }
        }

        record Canceled(String reason, List<Artifact> artifacts) implements Outcome {
            @Override
            public BuildEvent.Kind kind() {
                return BuildEvent.Kind.CANCELED;
            }
        }

        /**
         * Not the build's own end but the worker's (it was stopping): not reported as failed. Its run marker stays, so
         * the worker reports the attempt LOST when it starts again and the master queues the build again.
         */
        record WorkerStopped(String reason) implements Outcome {
            @Override
            public BuildEvent.Kind kind() {
                return BuildEvent.Kind.LOST;
            }
        }
    }

    private final WorkerSettings settings;
    private final Stagers stager;
    private final RunningTools tools;
    private final SideRepoStage sideRepos;
    private final ToolProbe.Tools found;
    private final KickstartFlattener flattener;
    /** Put before the build number in staging folder names: "local-" for fbs build, so it meets no worker's. */
    private final String folderTag;

    BuildRunner(WorkerSettings settings, ToolProbe.Tools found) {
        this(settings, found, "", RunningTools.Recorder.NONE);
    }

    /** @param recorder told each build's tool processes as they change (the worker keeps them in its run marker) */
    BuildRunner(WorkerSettings settings, ToolProbe.Tools found, String folderTag, RunningTools.Recorder recorder) {
        this.settings = settings;
        this.tools = new RunningTools(recorder);
        this.folderTag = folderTag;
        this.stager = new Stagers(new KeptArtifacts(settings.artifactsDir()), settings.publicUrl(),
            settings.stagingRoots(), settings.ftpAllowedHosts());
        this.sideRepos = new SideRepoStage(settings, tools);
        this.found = found;
        this.flattener = new KickstartFlattener(found.usable("ksflatten") ? settings.tool("ksflatten") : null, tools);
    }

    /**
     * The worker is stopping: stops every tool still running, and any started from now on; the builds end with a
     * {@link Outcome.WorkerStopped} outcome. Blocking.
     */
    void stopTools() {
        tools.stopAll();
    }

    /**
     * The work dir of one attempt of a build, {@code WORK-DIR/builds/ID-attempt-N}: an attempt never shares its dir
     * with an earlier one, whose tools may outlive a killed worker until its restart stops them.
     */
    static Path workDirOf(Path workDir, long id, int attempt) {
        return workDir.resolve("builds").resolve(id + "-attempt-" + attempt);
    }

    /** Stops build {@code id}: its tools and what they started now, the rest of its stages before they begin. */
    void cancel(long id) {
        tools.cancel(id);
    }

    /** Runs the first attempt of build {@code id} (a local build, tests). */
    Outcome run(long id, BuildSpec spec, BuildLog log, Consumer<Stage> entering) {
        return run(id, 1, spec, log, entering);
    }

    Outcome run(long id, int attempt, BuildSpec spec, BuildLog log, Consumer<Stage> entering) {
        return run(id, attempt, spec, false, log, entering);
    }

    Outcome run(long id, int attempt, BuildSpec spec, boolean isolate, BuildLog log, Consumer<Stage> entering) {
        return run(id, attempt, null, Set.of(), spec, isolate, log, entering);
    }

    /**
     * @param lease      the master's lease of this run (null without one); its staging marker names it
     * @param deadLeases the build's leases the master declared dead: only their staging folder may be taken over
     * @param isolate    the owner is not trusted: the tool must run inside this worker's isolation, or not at all
     */
    Outcome run(long id, int attempt, String lease, Set<String> deadLeases, BuildSpec spec, boolean isolate,
                BuildLog log, Consumer<Stage> entering) {
        StagingMark mark = StagingMark.of(id, attempt, lease, deadLeases, spec);
        Path dir = workDirOf(settings.workDir(), id, attempt);
        Instant deadline = Instant.now().plus(settings.buildTimeout());
        boolean keep = false;
        try {
            FileTrees.delete(dir);
            Files.createDirectories(dir);
            log.line("build " + id + ": " + ImageKinds.of(spec).describe() + " image for " + spec.arch()
                + "/" + spec.release() + " on worker " + settings.id());

            if (!spec.stagedOnWorker()) {
                stager.check(spec.staging());
            }
            checkGoingOn(id, deadline);

            enter(Stage.SIDE_REPO, log, entering);
            SideRepoStage.SideRepo side = sideRepos.build(id, spec, dir, log, remaining(deadline));
            Path sideRepo = side == null ? null : side.dir();
            checkGoingOn(id, deadline);

            enter(Stage.IMAGE, log, entering);
            List<Path> inputs = new ArrayList<>();
            ImageKind kind = ImageKinds.of(spec);
            ImageCommand command = image(id, kind, spec, dir, sideRepo, log, deadline, inputs);
            if (isolate) {
                refuseOnTheHost(kind, command);
            }
            List<Path> isos = runImageTool(id, Objects.requireNonNullElse(command.tool(), kind.tool()), command, dir, log,
                deadline);
            checkGoingOn(id, deadline);

            enter(Stage.STAGING, log, entering);
            List<Path> files = new ArrayList<>(isos);
            files.add(ChecksumFile.write(dir, isos));
            files.addAll(inputs);
            List<Artifact> artifacts = stage(id, mark, spec, files, log, "build " + id + " succeeded");
            return new Outcome.Succeeded(artifacts, side == null ? List.of() : side.packages());
        } catch (Canceled e) {
            return canceled(id, mark, spec, log);
        } catch (WorkerStopped e) {
            return workerStopped(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return workerStopped(log);
        } catch (BuildFailure | StagingException e) {
            if (tools.isStopping()) {
                return workerStopped(log); // its tools were stopped under it: that is why it failed
            }
            Outcome failed = fail(log, e.getMessage());
            // A full disk's work dir is what fills it: removed, so that the worker can report and build again.
            keep = !DiskSpace.isOutOfSpace(failed.reason());
            return failed;
        } catch (KojiException e) {
            if (tools.isStopping()) {
                return workerStopped(log); // createrepo_c was stopped under it
            }
            Outcome failed = fail(log, Secrets.mask(e.getMessage()));
            // A full disk's work dir is what fills it: removed, so that the worker can report and build again.
            keep = !DiskSpace.isOutOfSpace(failed.reason());
            return failed;
        } catch (IOException e) {
            if (tools.isStopping()) {
                return workerStopped(log);
            }
            Outcome failed = fail(log, "worker error: " + e.getMessage());
            // A full disk's work dir is what fills it: removed, so that the worker can report and build again.
            keep = !DiskSpace.isOutOfSpace(failed.reason());
            return failed;
        } finally {
            tools.forget(id);
            cleanUp(id, dir, keep, log);
        }
    }

    /** Prepares the image tool's input (a flattened kickstart, a kiwi description) and its command. */
    private ImageCommand image(long id, ImageKind kind, BuildSpec spec, Path dir, Path sideRepo, BuildLog log,
                               Instant deadline, List<Path> inputs)
        throws BuildFailure, Canceled, WorkerStopped, IOException, InterruptedException {
        if (!found.kinds().contains(kind.name())) {
            throw new BuildFailure(found.whyNot(kind.name()));
        }
        String flat = null;
        if (kind.readsKickstart()) {
            try {
                flat = flattener.flatten(id, spec.kickstart(), dir, log, remaining(deadline));
            } catch (BuildFailure e) {
                checkGoingOn(id, deadline); // stopped by a cancel or the timeout: say that instead
                throw e;
            }
        }
        ImageCommand command = kind.command(spec, dir, sideRepo, found.setup(kind, settings));
        command.notes().forEach(log::line);
        Map<Path, String> support;
        try {
            support = command.supportFiles(flat, log::line);
        } catch (KickstartException e) {
            throw new BuildFailure(e.getMessage());
        }
        for (Map.Entry<Path, String> file : support.entrySet()) {
            Files.createDirectories(file.getKey().getParent());
            Files.writeString(file.getKey(), file.getValue());
        }
        Path input = command.input();
        if (input != null) {
            Files.createDirectories(input.getParent());
            String text = command.inputText(flat);
            Files.writeString(input, text);
            // The final kickstart (or kiwi description) is kept with the logs and staged with the images, without
            // its passwords: whoever downloads the images must not learn the root password.
            Path shown = Files.createDirectories(dir.resolve("staged-input")).resolve(input.getFileName());
            Files.writeString(shown, KickstartRedaction.redact(text));
            Path kept = settings.logsDir().resolve(id + "-" + input.getFileName());
            Files.copy(shown, kept, StandardCopyOption.REPLACE_EXISTING);
            inputs.add(shown);
            log.line("the " + kind.tool() + " input " + input.getFileName() + " is kept as " + kept);
        }
        return command;
    }

    /**
     * The last check before an untrusted owner's kickstart runs: its tool must not run it on this host. The offer
     * was taken because worker.isolation covers the kind; this holds should the command line still say otherwise.
     */
    private static void refuseOnTheHost(ImageKind kind, ImageCommand command) throws BuildFailure {
        if (command.arguments().contains("--no-virt")) {
            throw new BuildFailure("this build's owner is not trusted, but " + kind.tool() + " would run its kickstart"
                + " on the worker's host (--no-virt); refused");
        }
    }

    /** Runs the image tool and returns the ISOs it wrote. */
    private List<Path> runImageTool(long id, String tool, ImageCommand command, Path dir, BuildLog log,
                                    Instant deadline)
        throws BuildFailure, Canceled, WorkerStopped, IOException, InterruptedException {
        List<String> arguments = command.arguments();
        log.line("running: " + String.join(" ", arguments));
        ToolProcess.Result result;
        try {
            result = ToolProcess.run(arguments, dir, log, tools, id, remaining(deadline));
        } catch (IOException e) {
            throw new BuildFailure(tool + " could not be started (" + arguments.get(0) + ", worker.tools."
                + tool + "): " + e.getMessage());
        }
        if (tools.isStopping()) {
            throw new WorkerStopped();
        }
        if (tools.isCanceled(id)) {
            throw new Canceled();
        }
        if (result.timedOut()) {
            throw timedOut();
        }
        if (result.exitCode() != 0) {
            throw new BuildFailure(tool + " exited with status " + result.exitCode() + "; its last lines:\n"
                + String.join("\n", result.tail()));
        }
        // By name, as Fedora lists its images in a CHECKSUM file.
        List<Path> isos = command.isos().stream()
            .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        if (isos.isEmpty()) {
            throw new BuildFailure(tool + " ended without writing an ISO image");
        }
        return isos;
    }

    private void checkGoingOn(long id, Instant deadline) throws Canceled, WorkerStopped, BuildFailure {
        if (tools.isStopping()) {
            throw new WorkerStopped();
        }
        if (tools.isCanceled(id)) {
            throw new Canceled();
        }
        if (!Instant.now().isBefore(deadline)) {
            throw timedOut();
        }
    }

    private BuildFailure timedOut() {
        return new BuildFailure("the build ran longer than worker.build-timeout (" + settings.buildTimeout()
            .toString().substring(2).toLowerCase(Locale.ROOT) + ") and was stopped");
    }

    private static Duration remaining(Instant deadline) {
        return Duration.between(Instant.now(), deadline);
    }

    /**
     * The worker stopped under the build (its tools are gone): not the build's failure, so it is not reported as
     * one; the master queues the build again for another attempt.
     */
    private Outcome workerStopped(BuildLog log) {
        String reason = "worker " + settings.id() + " stopped during the build";
        log.line(reason + "; its tools and their children were stopped, and the build is queued again");
        return new Outcome.WorkerStopped(reason);
    }

    /** A canceled build: its tools are gone; its log is staged so that users can see how far it got. */
    private Outcome canceled(long id, StagingMark mark, BuildSpec spec, BuildLog log) {
        String reason = "canceled on request";
        log.line("build " + id + " " + reason + "; its tools and their children were stopped");
        try {
            return new Outcome.Canceled(reason, stage(id, mark, spec, List.of(), log, "build " + id + " canceled"));
        } catch (StagingException e) {
            log.line("the log could not be staged: " + e.getMessage());
            return new Outcome.Canceled(reason, List.of());
        }
    }

    /**
     * Stages the build's files where its spec says, then its log, last, after {@code outcome}, so that the staged
     * log ends with every file's checksum and the build's outcome.
     */
    private List<Artifact> stage(long id, StagingMark mark, BuildSpec spec, List<Path> files, BuildLog log,
        String outcome) throws StagingException {
        String folder = ImageKinds.of(spec).product(spec).replace(' ', '_') + "-" + spec.arch() + "-" + spec.release() + "-" + folderTag
            + id;
        try {
            return stageInto(folder, mark, spec, files, log, outcome);
        } catch (StagingException e) {
            if (!e.folderHeld() || mark.lease() == null) {
                throw e;
            }
            // Another run of this build staged there and may still count: its files stay, this run's go beside.
            String beside = folder + "-lease-" + mark.lease().substring(0, Math.min(8, mark.lease().length()));
            log.line(e.getMessage() + "; staging into " + beside + " beside it");
            return stageInto(beside, mark, spec, files, log, outcome);
        }
    }

    private List<Artifact> stageInto(String folder, StagingMark mark, BuildSpec spec, List<Path> files, BuildLog log,
        String outcome) throws StagingException {
        long id = mark.build();
        List<Artifact> staged = new ArrayList<>();
        try (StagingFolder target = stager.open(spec.staging(), mark, folder)) {
            for (Path file : files) {
                staged.add(logged(log, target.put(file, file.getFileName().toString())));
            }
            log.line(outcome);
            Artifact ownLog = target.put(log.file(), "build-" + id + ".log");
            target.commit();
            staged.add(logged(log, ownLog));
        }
        return staged;
    }

    private static Artifact logged(BuildLog log, Artifact a) {
        log.line("staged " + a.name() + " (" + a.size() + " bytes, sha256 " + a.sha256() + ") at " + a.location());
        return a;
    }

    /** Removes the work dir; a failed build's is kept instead, the newest {@code worker.keep-failed-workdirs}. */
    private void cleanUp(long id, Path dir, boolean keep, BuildLog log) {
        try {
            if (keep && settings.keepFailedWorkdirs() > 0 && Files.isDirectory(dir)) {
                Path failed = Files.createDirectories(settings.workDir().resolve("failed"));
                Path kept = failed.resolve(Long.toString(id));
                FileTrees.delete(kept);
                Files.move(dir, kept);
                Files.setLastModifiedTime(kept, FileTime.from(Instant.now()));
                log.line("the work dir is kept for debugging at " + kept + " (worker.keep-failed-workdirs)");
                pruneFailed(failed);
            } else {
                FileTrees.delete(dir);
            }
        } catch (IOException e) {
            log.line("could not clean up the work dir " + dir + ": " + e.getMessage());
        }
    }

    private void pruneFailed(Path failed) throws IOException {
        List<Path> kept;
        try (Stream<Path> dirs = Files.list(failed)) {
            kept = dirs.sorted(Comparator.comparing(BuildRunner::modified).reversed()).toList();
        }
        for (Path old : kept.subList(Math.min(kept.size(), settings.keepFailedWorkdirs()), kept.size())) {
            FileTrees.delete(old);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void enter(Stage stage, BuildLog log, Consumer<Stage> entering) {
        log.stage(stage.label());
        entering.accept(stage);
    }

    /**
     * Fails the build with {@code reason}; when it ran out of disk space (its failure says ENOSPC, or the work dir's or
     * a staging root's filesystem is full now), that is the reason, not a tool's last lines.
     */
    private Outcome fail(BuildLog log, String reason) {
        List<Path> folders = new ArrayList<>();
        folders.add(settings.workDir());
        folders.addAll(settings.stagingRoots());
        String full = DiskSpace.outOfSpace(reason, DiskSpace.of(folders));
        if (full != null) {
            reason = full;
        }
        log.line("build failed: " + reason);
        return new Outcome.Failed(reason);
    }

    /** The worker is stopping; the build ends without going on to the next stage. */
    private static final class WorkerStopped extends Exception {
        private static final long serialVersionUID = 1L;

        WorkerStopped() {
            super(null, null, false, false);
        }
    }

    /** The build was canceled; it ends without going on to the next stage. */
    private static final class Canceled extends Exception {
        private static final long serialVersionUID = 1L;

        Canceled() {
            super(null, null, false, false);
        }
    }
}
