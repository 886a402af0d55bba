package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fbs.build.ExtraPackage;
import org.fbs.config.WorkerSettings;
import org.fbs.koji.KojiException;
import org.fbs.koji.SideRepoFetcher;
import org.fbs.spec.BuildSpec;

/**
 * The side-repo stage: the extra packages a spec asks for, fetched from Koji into {@code side-repo/} in the
 * build's work dir and made a repository by createrepo_c, so the image tool can install them. Blocking.
 */
final class SideRepoStage {

    /** The repository made for a build, and the packages in it. */
    record SideRepo(Path dir, List<ExtraPackage> packages) {
    }

    private final WorkerSettings settings;
    private final SideRepoFetcher fetcher;
    private final RunningTools tools;

    SideRepoStage(WorkerSettings settings, RunningTools tools) {
        this.settings = settings;
        this.fetcher = new SideRepoFetcher(settings.koji(), settings.workDir().resolve("koji-cache"));
        this.tools = tools;
    }

    /** {@link #build(long, BuildSpec, Path, BuildLog, Duration)} outside any build's time limit. */
    SideRepo build(BuildSpec spec, Path workDir, BuildLog log) throws KojiException, IOException,
        InterruptedException {
        return build(0, spec, workDir, log, Duration.ofHours(1));
    }

    /**
     * The side repository for {@code spec}, or null when it asks for no extra packages. createrepo_c runs as a
     * tool of build {@code id}, so a cancel stops it, and within {@code limit}, the build's remaining time.
     */
    SideRepo build(long id, BuildSpec spec, Path workDir, BuildLog log, Duration limit) throws KojiException,
        IOException, InterruptedException {
        if (spec.packages().isEmpty()) {
            log.line("no extra packages requested; no side repository needed");
            return null;
        }
        Path dir = Files.createDirectories(workDir.resolve("side-repo"));
        List<ExtraPackage> packages = fetcher.fetch(spec.packages(), spec.arch(), dir, log::line);
        List<String> createrepo = List.of(settings.tool("createrepo_c"), dir.toString());
        log.line("running: " + String.join(" ", createrepo));
        ToolProcess.Result result;
        try {
            result = ToolProcess.run(createrepo, workDir, log, tools, id, limit);
        } catch (IOException e) {
            throw new KojiException("createrepo_c could not be started (" + createrepo.get(0)
                + ", worker.tools.createrepo_c): " + e.getMessage());
        }
        if (result.timedOut()) {
            throw new KojiException("createrepo_c did not finish within the build's time (worker.build-timeout)");
        }
        if (result.exitCode() != 0) {
            throw new KojiException("createrepo_c exited with status " + result.exitCode() + "; its last lines:\n"
                + String.join("\n", result.tail()));
        }
        log.line("side repository ready: " + packages.size() + " package(s) at " + dir);
        return new SideRepo(dir, packages);
    }
}
