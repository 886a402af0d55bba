package org.fbs.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        return start(name, role, yaml, dir, env, command -> command);
    }

    /** The same, its command line wrapped by {@code wrap} (e.g. run in a network namespace). */
    static FbsNode start(String name, String role, String yaml, Path dir, Map<String, String> env,
                         java.util.function.UnaryOperator<List<String>> wrap) throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, yaml);
        Path output = dir.resolve(name + ".out");
        String jar = Path.of(System.getProperty("fbs.jar", "target/fbs.jar")).toAbsolutePath().toString();
        ProcessBuilder builder = new ProcessBuilder(wrap.apply(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-jar", jar, "--role=" + role, "--config", config.toString())))
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
}
