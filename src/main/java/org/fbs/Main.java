package org.fbs;

import io.vertx.core.Future;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.fbs.cli.BuildCommand;
import org.fbs.cli.CancelCommand;
import org.fbs.cli.ClusterCommand;
import org.fbs.cli.ListCommand;
import org.fbs.cli.LogsCommand;
import org.fbs.cli.SpecCommand;
import org.fbs.cli.StatusCommand;
import org.fbs.cli.SubmitCommand;
import org.fbs.cli.WorkerCommand;
import org.fbs.cli.WorkersCommand;
import org.fbs.cluster.ClusterNode;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.ClusterSettings;
import org.fbs.config.FbsConfig;
import org.fbs.master.MasterRole;
import org.fbs.cluster.WorkerLinks;
import org.fbs.ops.BuildInfo;
import org.fbs.ops.NodeMetrics;
import org.fbs.worker.WorkerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar fbs.jar --role=master|worker|standalone [--config FILE]}. */
@Command(name = "fbs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "FBS, the on-demand Fedora build service: runs a master, a worker, or both in one process.",
    // One command per line, so that each new command is a one-line change.
    subcommands = {
        SpecCommand.class,
        BuildCommand.class,
        SubmitCommand.class,
        StatusCommand.class,
        ListCommand.class,
        LogsCommand.class,
        CancelCommand.class,
        WorkersCommand.class,
        WorkerCommand.class,
        ClusterCommand.class,
    })
public final class Main implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** The most a shutdown waits for Vert.x to close: past a worker's 10 s TERM-then-KILL grace for its tools. */
    static final long CLOSE_WAIT_S = 25;

    /** What this process runs. */
    enum Role { master, worker, standalone }

    // Not required by picocli: a command (fbs spec ...) runs without it.
    @Option(names = "--role", description = "master, worker, or standalone (both, no cluster)")
    Role role;

    @Option(names = "--config", paramLabel = "FILE", description = "the node's YAML configuration (see conf/fbs.yaml)")
    Path config;

    public static void main(String[] args) {
        int code = commandLine(CommandLine.defaultFactory()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The command line as {@link #main} parses it; tests give their own factory. */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        return new CommandLine(new Main(), factory).setCaseInsensitiveEnumValuesAllowed(true)
            // --role=worker names the role, not the `fbs worker` command.
            .setAllowSubcommandsAsOptionParameters(true);
    }

    @Override
    public Integer call() throws Exception {
        if (role == null) {
            System.err.println("fbs: give --role=master|worker|standalone, or a command (fbs --help lists them)");
            return 2;
        }
        FbsConfig cfg;
        LinkSigner signer;
        Vertx reader = Vertx.vertx();
        try {
            cfg = FbsConfig.load(reader, config).toCompletionStage().toCompletableFuture().get();
            signer = linkSigner(role, cfg.cluster());
        } catch (Exception e) {
            System.err.println("fbs: " + rootMessage(e));
            return 2;
        } finally {
            reader.close();
        }
        PrometheusMeterRegistry registry = NodeMetrics.newRegistry();
        Future<Vertx> node = role == Role.standalone
            ? Future.succeededFuture(NodeMetrics.builder(new VertxOptions(), registry).build())
            : ClusterNode.join(cfg.cluster(), registry);
        Vertx vertx;
        try {
            vertx = node.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "fbs-shutdown"));
            WorkerLinks links = new WorkerLinks(signer, cfg.cluster().linkLifetime());
            Future<String> started = switch (role) {
                case master -> MasterRole.deploy(vertx, cfg.master(), registry, links);
                case worker -> WorkerRole.deploy(vertx, cfg.worker(), registry, Main::exitDrained, signer);
                case standalone -> MasterRole.deploy(vertx, cfg.master(), registry, links)
                    .compose(id -> WorkerRole.deploy(vertx, cfg.worker(), registry, Main::exitDrained, signer));
            };
            started.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            System.err.println("fbs: could not start the " + role + ": " + rootMessage(e));
            LOG.debug("start-up failure", e);
            System.exit(1);
        }
        LOG.info("fbs {} started", role);
        return 0;
    }

    /**
     * What signs and checks the links to worker logs and files: the cluster secret, which a master and its workers in
     * other processes must share; a standalone node without one makes its own for the run (both roles are in it).
     */
    static LinkSigner linkSigner(Role role, ClusterSettings cluster) {
        if (cluster.secretFile() != null && !cluster.secretFile().isBlank()) {
            return LinkSigner.fromFile(Path.of(cluster.secretFile()), Clock.systemUTC());
        }
        if (role == Role.standalone) {
            return LinkSigner.perProcess();
        }
        throw new IllegalArgumentException("cluster.secret-file: required for a " + role + ": the master signs the "
            + "links to its workers' logs and files with it and each worker checks them, so every node needs the same "
            + "file (make one with `fbs cluster keys DIR`)");
    }

    /**
     * A clean leave on SIGTERM (or exit): Vert.x stops its verticles (a worker stops its tools and their children, the
     * master closes its store) and leaves the cluster, within a bounded time. The JVM then exits with 143 after a
     * SIGTERM (128 + 15, as every JVM does), with 0 after a drain's exit.
     */
    private static void close(Vertx vertx) {
        long start = System.nanoTime();
        LOG.info("fbs stopping: closing its services and leaving the cluster");
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_WAIT_S, TimeUnit.SECONDS);
            LOG.info("fbs stopped cleanly in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            LOG.error("fbs shutdown was not clean: {}", rootMessage(e));
        }
    }

    /** A worker drained with exit: its builds are done, so the process ends (the shutdown hook closes Vert.x). */
    private static void exitDrained() {
        // Not on a Vert.x thread: the hook waits for Vert.x to close, which needs those threads.
        new Thread(() -> System.exit(0), "fbs-drained-exit").start();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** {@code fbs --version}: the version, commit and build time the jar was made with. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().line()};
        }
    }
}
