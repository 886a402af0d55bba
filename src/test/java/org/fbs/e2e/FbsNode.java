package org.fbs.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One real {@code java -jar fbs.jar} process of the end-to-end tests, with its YAML config and its output file. */
final class FbsNode implements AutoCloseable {

    final String name;
    final Path output;
    private final Process process;

    private FbsNode(String name, Path output, Process process) {
        this.name = name;
        this.output = output;
        this.process = process;
    }

    static FbsNode start(String name, String role, String yaml, Path dir, Map<String, String> env)
        throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, yaml);
        Path output = dir.resolve(name + ".out");
        String jar = System.getProperty("fbs.jar", "target/fbs.jar");
        ProcessBuilder builder = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-jar", jar, "--role=" + role, "--config", config.toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
        builder.environment().putAll(env);
        return new FbsNode(name, output, builder.start());
    }

    /**
     * Kills the JVM as {@code kill -9} does, then (only to leave no process behind the test) what it had started,
     * which would otherwise run on as orphans.
     */
    void kill() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        children.forEach(ProcessHandle::destroyForcibly);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM (what {@code systemctl stop} sends), as {@link Process#destroy()} does on Linux. */
    void terminate() {
        process.destroy();
    }

    /** The exit code once the process has ended, or null if it still runs after {@code seconds}. */
    Integer exitCode(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    long pid() {
        return process.pid();
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Something a test reads from the master; an IOException means it is still starting. */
    @FunctionalInterface
    interface Reading {
        String read() throws Exception;
    }

    /** Waits up to 90 s until the master's worker list, as {@code workers} reads it, names each of {@code ids}. */
    static void awaitWorkers(Reading workers, Collection<FbsNode> nodes, String... ids) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(end)) {
            try {
                String body = workers.read();
                if (Stream.of(ids).allMatch(id -> body.contains("\"" + id + "\""))) {
                    return;
                }
            } catch (IOException notYet) {
                // the master is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("workers did not join: " + outputs(nodes));
    }

    /** What every node printed, for a failure message. */
    static String outputs(Collection<FbsNode> nodes) {
        StringBuilder out = new StringBuilder();
        for (FbsNode node : nodes) {
            out.append("\n--- ").append(node.name).append(node.isAlive() ? "" : " (exited)").append(" ---\n")
                .append(node.output());
        }
        return out.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
