package org.fbs.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.fbs.build.Artifact;
import org.fbs.build.Stage;
import org.fbs.config.FbsConfig;
import org.fbs.config.WorkerSettings;
import org.fbs.kickstart.KickstartFetcher;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.worker.LocalBuild;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fbs build SPEC}: the whole build on this machine, no master and no cluster, as the 2012 service's local
 * mode had it. The log is printed as it is written; the results are staged as the spec says.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
    description = {"Build an image on this machine from a spec (INI, or JSON if it starts with '{'), without a "
        + "master or a cluster: runs the image tool, prints the build log as it goes and stages the results as "
        + "the spec says. The tools must be installed (the real ones run as root).",
        "Exit code 0 if the build succeeded; 1 if the spec has errors or the build failed (the reason on standard "
            + "error); 2 for an unreadable file, a bad configuration or a missing tool; 130 if interrupted."})
public final class BuildCommand implements Callable<Integer> {

    /** How long an interrupted build may take to stop its tools and stage its log before the JVM exits. */
    private static final long STOP_WAIT_S = 60;

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "SPEC", description = "the spec file")
    Path file;

    @Option(names = "--config", paramLabel = "FILE",
        description = "a node's YAML configuration (see conf/fbs.yaml); only its worker section is read: "
            + "worker.tools.*, worker.work-dir, worker.staging-roots, worker.koji.*, worker.build-timeout")
    Path config;

    private volatile Stage stage;

    @Override
    public Integer call() {
        PrintWriter err = command.commandLine().getErr();
        String text;
        try {
            text = SpecFile.read(file);
        } catch (NoSuchFileException e) {
            err.println("fbs build: " + file + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("fbs build: " + file + ": cannot read: " + e.getMessage());
            return 2;
        }
        BuildSpec spec;
        try {
            spec = SpecFile.parse(text);
        } catch (SpecException e) {
            return specErrors(e, err);
        }
        Vertx vertx = Vertx.vertx();
        try {
            WorkerSettings worker;
            try {
                worker = await(FbsConfig.load(vertx, config)).worker();
            } catch (ExecutionException | IllegalArgumentException e) {
                err.println("fbs build: " + rootMessage(e));
                return 2;
            }
            try {
                spec = await(new KickstartFetcher(vertx, KickstartFetcher.TIMEOUT,
                    KickstartFetcher.Policy.LOCAL).withText(spec));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SpecException errors) {
                    return specErrors(errors, err);
                }
                err.println("fbs build: " + rootMessage(e));
                return 1;
            }
            LocalBuild build = LocalBuild.prepare(worker);
            String cannot = build.cannotBuild(spec);
            if (cannot != null) {
                err.println("fbs build: " + cannot);
                return 2;
            }
            return run(build, spec, vertx);
        } finally {
            try {
                await(vertx.close());
            } catch (ExecutionException e) {
                err.println("fbs build: " + rootMessage(e));
            }
        }
    }

    /** Runs the build here; Ctrl-C (or a TERM) stops its tools, and what they started, before the JVM exits. */
    private int run(LocalBuild build, BuildSpec spec, Vertx vertx) {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        CountDownLatch reported = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            build.cancel();
            try {
                reported.await(STOP_WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fbs-build-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            LocalBuild.Result result = build.run(spec, vertx.eventBus(), line -> {
                out.println(line);
                out.flush();
            }, entered -> stage = entered);
            return report(result, out, err);
        } catch (IOException | RuntimeException e) {
            err.println("fbs build: the build broke: " + e.getMessage() + " (work dir " + build.workDir() + ")");
            return 1;
        } finally {
            out.flush();
            err.flush();
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is stopping: the hook is running and lets it exit once it sees the report
            }
        }
    }

    private int report(LocalBuild.Result result, PrintWriter out, PrintWriter err) {
        String outcome = result.succeeded() ? "succeeded" : result.canceled() ? "was interrupted" : "failed";
        out.println("build " + result.id() + " " + outcome + (result.artifacts().isEmpty() ? "" : "; its files:"));
        for (Artifact a : result.artifacts()) {
            out.println("  " + a.name() + "  " + a.size() + " bytes  sha256 " + a.sha256() + "  " + a.location());
        }
        if (result.succeeded()) {
            return 0;
        }
        if (result.canceled()) {
            err.println("fbs build: build " + result.id() + " was interrupted; its tools were stopped");
            return 130;
        }
        err.println("fbs build: build " + result.id() + " failed" + (stage == null ? "" : " in its " + stage.label()
            + " stage") + ": " + result.reason());
        err.println("fbs build: the whole log is " + result.log());
        return 1;
    }

    private int specErrors(SpecException e, PrintWriter err) {
        e.errors().forEach(error -> err.println(file + ": " + error));
        return 1;
    }

    private static <T> T await(Future<T> future) throws ExecutionException {
        try {
            return future.toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutionException("interrupted", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
