package org.fbs.worker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external tool of a build from an argument list (no shell), every output line into the build log. While
 * it runs, it notes what the tool started; when its time is up it stops the tool's whole process tree, and when
 * the tool ends it stops whatever it left running (which could otherwise hold its output open, and the build with
 * it, for ever). Blocking.
 */
final class ToolProcess {

    static final int TAIL_LINES = 15;
    /** How often the tool's process tree is looked at: the time limit and the tree are checked this often. */
    static final long WATCH_MS = 250;
    /** How long the rest of the output may take to arrive once the tool and what it left are gone. */
    static final long DRAIN_MS = 5_000;

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
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> copyOutput(process, log, tail), "fbs-tool-output-" + build);
        reader.setDaemon(true);
        reader.start();
        Set<ProcessHandle> started = ConcurrentHashMap.newKeySet();
        long deadline = System.nanoTime() + limit.toNanos();
        boolean timedOut = false;
        try {
            while (!process.waitFor(WATCH_MS, TimeUnit.MILLISECONDS)) {
                started.removeIf(handle -> !handle.isAlive());
                process.descendants().forEach(started::add);
                if (!timedOut && System.nanoTime() - deadline >= 0) {
                    timedOut = true;
                    RunningTools.stopTrees(List.of(process));
                }
            }
            List<ProcessHandle> left = started.stream().filter(ProcessHandle::isAlive).toList();
            if (!left.isEmpty()) {
                log.line("stopping " + left.size() + " process(es) that " + Path.of(args.get(0)).getFileName()
                    + " left running");
                RunningTools.stop(left);
            }
            reader.join(DRAIN_MS);
            synchronized (tail) {
                return new Result(process.exitValue(), List.copyOf(tail), timedOut);
            }
        } catch (InterruptedException | RuntimeException e) {
            RunningTools.stopTrees(List.of(process));
            throw e;
        } finally {
            running.remove(process);
        }
    }

    /** Every line the tool prints goes into the log (cut at worker.max-log-line); the last few are kept too. */
    private static void copyOutput(Process process, BuildLog log, Deque<String> tail) {
        try (InputStream out = process.getInputStream()) {
            log.copy(out, line -> {
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // The output ends with the tool; a log that cannot be written fails the build elsewhere.
        }
    }
}
