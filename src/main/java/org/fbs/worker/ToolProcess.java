package org.fbs.worker;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one external tool of a build from an argument list (no shell), every output line into the build log, and
 * stops it with its whole process tree when its time is up. Blocking.
 */
final class ToolProcess {

    static final int TAIL_LINES = 15;

    /** How the tool ended, its last lines of output for the failure reason, and whether its time ran out. */
    record Result(int exitCode, List<String> tail, boolean timedOut) {
    }

    private ToolProcess() {
    }

    static Result run(List<String> args, Path dir, BuildLog log, RunningTools running, long build, Duration limit)
        throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(args)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        running.add(build, process);
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture<Void> timer = CompletableFuture.runAsync(() -> {
            timedOut.set(true);
            RunningTools.stopTrees(List.of(process));
        }, CompletableFuture.delayedExecutor(Math.max(0, limit.toMillis()), TimeUnit.MILLISECONDS));
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                log.line(line);
                if (tail.size() == TAIL_LINES) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            }
            int exit = process.waitFor();
            timer.cancel(false);
            return new Result(exit, List.copyOf(tail), timedOut.get());
        } catch (IOException | InterruptedException | RuntimeException e) {
            RunningTools.stopTrees(List.of(process));
            throw e;
        } finally {
            timer.cancel(false);
            running.remove(process);
        }
    }
}
