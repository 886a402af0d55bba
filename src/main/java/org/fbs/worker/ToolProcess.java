package org.fbs.worker;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Runs one external tool from an argument list (no shell), every output line into the build log. Blocking. */
final class ToolProcess {

    static final int TAIL_LINES = 15;

    /** How the tool ended, and its last lines of output for the failure reason. */
    record Result(int exitCode, List<String> tail) {
    }

    private ToolProcess() {
    }

    static Result run(List<String> args, Path dir, BuildLog log, RunningTools running)
        throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(args)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        running.add(process);
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
            return new Result(process.waitFor(), List.copyOf(tail));
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        } finally {
            running.remove(process);
        }
    }
}
