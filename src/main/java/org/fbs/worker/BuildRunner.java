package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.fbs.build.Artifact;
import org.fbs.build.FileTrees;
import org.fbs.build.LoraxCommand;
import org.fbs.build.Stage;
import org.fbs.config.WorkerSettings;
import org.fbs.spec.BuildSpec;
import org.fbs.staging.FileStager;
import org.fbs.staging.StagingException;

/** Runs one build on this worker, stage by stage, in a work dir of its own. Blocking: call it off the event loop. */
final class BuildRunner {

    /** How a build ended on the worker. */
    record Outcome(boolean succeeded, String reason, List<Artifact> artifacts) {

        static Outcome failed(String reason) {
            return new Outcome(false, reason, List.of());
        }
    }

    private final WorkerSettings settings;
    private final FileStager stager;
    private final RunningTools tools = new RunningTools();

    BuildRunner(WorkerSettings settings) {
        this.settings = settings;
        this.stager = new FileStager(settings.stagingRoots());
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
            log.line("no extra packages requested; no side repository needed");

            enter(Stage.IMAGE, log, entering);
            LoraxCommand lorax = new LoraxCommand(settings.tool("lorax"), spec, dir, null);
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
            Path logCopy = dir.resolve("build-" + id + ".log");
            Files.copy(log.file(), logCopy);
            List<Artifact> artifacts = stage(id, spec, List.of(lorax.bootIso(), logCopy));
            for (Artifact a : artifacts) {
                log.line("staged " + a.name() + " (" + a.size() + " bytes, sha256 " + a.sha256() + ") at "
                    + a.location());
            }
            log.line("build " + id + " succeeded");
            return new Outcome(true, null, artifacts);
        } catch (StagingException e) {
            return fail(log, e.getMessage());
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

    private List<Artifact> stage(long id, BuildSpec spec, List<Path> files) throws StagingException {
        String folder = spec.boot().product().replace(' ', '_') + "-" + spec.arch() + "-" + spec.release() + "-" + id;
        if (spec.stagedOnWorker()) {
            // No staging asked for: the files stay on this worker, beside its logs.
            return FileStager.copyInto(settings.workDir().resolve("results"), folder, files);
        }
        return stager.stage(spec.staging(), folder, files);
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
