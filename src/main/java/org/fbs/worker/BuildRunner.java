package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.build.FileTrees;
import org.fbs.build.LoraxCommand;
import org.fbs.build.Secrets;
import org.fbs.build.Stage;
import org.fbs.config.WorkerSettings;
import org.fbs.koji.KojiException;
import org.fbs.spec.BuildSpec;
import org.fbs.staging.KeptArtifacts;
import org.fbs.staging.Stagers;
import org.fbs.staging.StagingException;
import org.fbs.staging.StagingFolder;

/** Runs one build on this worker, stage by stage, in a work dir of its own. Blocking: call it off the event loop. */
final class BuildRunner {

    /** How a build ended on the worker. */
    record Outcome(boolean succeeded, String reason, List<Artifact> artifacts, List<ExtraPackage> extraPackages) {

        static Outcome failed(String reason) {
            return new Outcome(false, reason, List.of(), List.of());
        }
    }

    private final WorkerSettings settings;
    private final Stagers stager;
    private final RunningTools tools = new RunningTools();
    private final SideRepoStage sideRepos;

    BuildRunner(WorkerSettings settings) {
        this.settings = settings;
        this.stager = new Stagers(new KeptArtifacts(settings.artifactsDir()), settings.publicUrl(),
            settings.stagingRoots());
        this.sideRepos = new SideRepoStage(settings, tools);
    }

    /** Stops every tool still running (the worker is stopping). Blocking. */
    void stopTools() {
        tools.stopAll();
    }

    Outcome run(long id, BuildSpec spec, BuildLog log, Consumer<Stage> entering) {
        Path dir = settings.workDir().resolve("builds").resolve(Long.toString(id));
        try {
            FileTrees.delete(dir);
            Files.createDirectories(dir);
            log.line("build " + id + ": " + spec.type().section() + " image for " + spec.arch() + "/"
                + spec.release() + " on worker " + settings.id());

            if (!spec.stagedOnWorker()) {
                stager.check(spec.staging());
            }

            enter(Stage.SIDE_REPO, log, entering);
            SideRepoStage.SideRepo side = sideRepos.build(spec, dir, log);
            Path sideRepo = side == null ? null : side.dir();

            enter(Stage.IMAGE, log, entering);
            LoraxCommand lorax = new LoraxCommand(settings.tool("lorax"), spec, dir, sideRepo);
            log.line("running: " + String.join(" ", lorax.arguments()));
            ToolProcess.Result result;
            try {
                result = ToolProcess.run(lorax.arguments(), dir, log, tools);
            } catch (IOException e) {
                return fail(log, "lorax could not be started (" + lorax.program() + ", worker.tools.lorax): "
                    + e.getMessage());
            }
            if (result.exitCode() != 0) {
                return fail(log, "lorax exited with status " + result.exitCode() + "; its last lines:\n"
                    + String.join("\n", result.tail()));
            }
            if (!Files.isRegularFile(lorax.bootIso())) {
                return fail(log, "lorax ended without writing images/boot.iso");
            }

            enter(Stage.STAGING, log, entering);
            List<Artifact> artifacts = stage(id, spec, List.of(lorax.bootIso()), log);
            return new Outcome(true, null, artifacts, side == null ? List.of() : side.packages());
        } catch (StagingException e) {
            return fail(log, e.getMessage());
        } catch (KojiException e) {
            // Its reason may quote a hub or package URL: no password in it reaches the build record.
            return fail(log, Secrets.mask(e.getMessage()));
        } catch (IOException e) {
            return fail(log, "worker error: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(log, "the worker stopped during the build");
        } finally {
            try {
                FileTrees.delete(dir);
            } catch (IOException e) {
                log.line("could not remove the work dir " + dir + ": " + e.getMessage());
            }
        }
    }

    /**
     * Stages the build's files where its spec says, then its log, last, so that the staged log ends with every
     * file's checksum and the build's outcome.
     */
    private List<Artifact> stage(long id, BuildSpec spec, List<Path> files, BuildLog log) throws StagingException {
        String folder = spec.boot().product().replace(' ', '_') + "-" + spec.arch() + "-" + spec.release() + "-" + id;
        List<Artifact> staged = new ArrayList<>();
        try (StagingFolder target = stager.open(spec.staging(), id, folder)) {
            for (Path file : files) {
                staged.add(logged(log, target.put(file, file.getFileName().toString())));
            }
            log.line("build " + id + " succeeded");
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

    private static void enter(Stage stage, BuildLog log, Consumer<Stage> entering) {
        log.stage(stage.label());
        entering.accept(stage);
    }

    private static Outcome fail(BuildLog log, String reason) {
        log.line("build failed: " + reason);
        return Outcome.failed(reason);
    }
}
