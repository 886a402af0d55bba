package org.fbs.worker;

import io.vertx.core.eventbus.EventBus;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.fbs.protocol.BuildEvent;
import org.fbs.build.Artifact;
import org.fbs.build.Capability;
import org.fbs.build.ImageKind;
import org.fbs.build.ImageKinds;
import org.fbs.build.Stage;
import org.fbs.config.AllowedHosts;
import org.fbs.config.WorkerSettings;
import org.fbs.spec.BuildSpec;

/**
 * One build on this machine, for {@code fbs build}: the worker's own pipeline (tools, side repository, staging),
 * without a master or a cluster. Its files live under {@code WORK-DIR/local}, so that its build numbers never meet
 * those of a worker that uses the same work dir; {@code worker} staging keeps the results in
 * {@code WORK-DIR/local/artifacts/ID}, and their location is that folder's {@code file://} URL. Elsewhere its
 * folder is {@code PRODUCT-ARCH-RELEASE-local-ID}, so that it never takes the name of a service build's folder.
 */
public final class LocalBuild {

    /**
     * How the build ended ({@code end}: SUCCEEDED, FAILED, CANCELED, or LOST when the program was stopped under it),
     * with the files it staged and where its whole log is.
     */
    public record Result(long id, BuildEvent.Kind end, String reason, List<Artifact> artifacts, Path log) {

        public boolean succeeded() {
            return end == BuildEvent.Kind.SUCCEEDED;
        }

        public boolean canceled() {
            return end == BuildEvent.Kind.CANCELED;
        }
    }

    private final WorkerSettings settings;
    private final ToolProbe.Tools tools;
    private final BuildRunner runner;
    private volatile Long id;
    private volatile boolean canceled;

    private LocalBuild(WorkerSettings settings, ToolProbe.Tools tools) {
        this.settings = settings;
        this.tools = tools;
        this.runner = new BuildRunner(settings, tools, "local-", RunningTools.Recorder.NONE);
    }

    /** Looks for the tools {@code worker} names (blocking, a few seconds at most). */
    public static LocalBuild prepare(WorkerSettings worker) {
        WorkerSettings local = local(worker);
        return new LocalBuild(local, ToolProbe.probe(local));
    }

    /** The worker's settings with a folder of its own, and {@code file://} locations for files kept there. */
    static WorkerSettings local(WorkerSettings w) {
        Path dir = w.workDir().resolve("local");
        String url = dir.toUri().toString();
        // Nothing serves /artifacts here: WorkerStager's PUBLIC-URL/artifacts/ID/NAME becomes the file's own URL.
        String publicUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new WorkerSettings(w.id(), w.httpHost(), w.httpPort(), publicUrl, w.arches(), w.releases(), 1, dir,
            w.stagingRoots(), w.tools(), w.koji(), w.retention(), w.buildTimeout(), w.keepFailedWorkdirs(),
            w.maxLogLine(), false, w.heartbeatInterval(), w.isolation(), AllowedHosts.ANY, w.minFreeDisk());
    }

    /** Where this build keeps its logs, work dirs and {@code worker}-staged files. */
    public Path workDir() {
        return settings.workDir();
    }

    /**
     * Why {@code spec} cannot be built here (its tool is missing, or cannot build it), naming the tool and its setting;
     * null if it can.
     */
    public String cannotBuild(BuildSpec spec) {
        ImageKind kind = ImageKinds.of(spec);
        if (tools.kinds().contains(kind.name())) {
            return null;
        }
        Capability capability = tools.byKind().get(kind.name());
        return "cannot build " + kind.describe() + " images here: " + tools.byName().get(kind.tool()).describe()
            + (capability == null || !tools.usable(kind.tool()) ? "" : ", but " + capability.problem())
            + "; install it or set worker.tools." + kind.tool();
    }

    /**
     * Runs the build under the next free number, handing each log line to {@code lines} and each stage to
     * {@code stages} as the build enters it. Blocking, for as long as the build takes.
     */
    public Result run(BuildSpec spec, EventBus bus, Consumer<String> lines, Consumer<Stage> stages)
        throws IOException {
        long claimed = claimId();
        id = claimed;
        if (canceled) {
            runner.cancel(claimed); // interrupted while the number was being claimed: the build stops at once
        }
        BuildRunner.Outcome outcome;
        try (BuildLog log = BuildLog.open(settings.logsDir(), claimed, bus, new LiveLogs(), lines,
            settings.maxLogLine())) {
            outcome = runner.run(claimed, spec, log, stages);
        }
        return new Result(claimed, outcome.kind(), outcome.reason(), outcome.artifacts(),
            BuildLog.fileOf(settings.logsDir(), claimed));
    }

    /** Stops the build: its tools and what they started (TERM, then KILL after a grace); it ends canceled. */
    public void cancel() {
        canceled = true;
        Long running = id;
        if (running != null) {
            runner.cancel(running);
        }
    }

    /**
     * The number after the highest one in the logs, taken by creating its log file: two builds started at once
     * cannot both create it, so they never share a number (nor folders named by it).
     */
    private long claimId() throws IOException {
        Path logs = Files.createDirectories(settings.logsDir());
        for (long next = highestId(logs) + 1; ; next++) {
            try {
                Files.createFile(BuildLog.fileOf(logs, next));
                return next;
            } catch (FileAlreadyExistsException e) {
                // another local build took it meanwhile: try the next
            }
        }
    }

    private static long highestId(Path logs) throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            return files.map(p -> p.getFileName().toString())
                .filter(name -> name.matches("[0-9]{1,18}\\.log"))
                .mapToLong(name -> Long.parseLong(name.substring(0, name.length() - ".log".length())))
                .max().orElse(0);
        }
    }
}
