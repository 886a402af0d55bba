package org.fbs.worker;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.fbs.build.ImageKinds;
import org.fbs.config.WorkerSettings;

/**
 * What the worker finds of its tools at start: each {@code worker.tools} program present and executable or not, and
 * its version where asking is cheap. From that follows which image kinds it can build. Blocking.
 */
final class ToolProbe {

    /** How one tool answers when asked for its version without building anything; absent: presence only. */
    static final Map<String, String> VERSION_FLAG = Map.of(
        "lorax", "-V",
        "livemedia-creator", "-V",
        "kiwi-ng", "--version",
        "pungi", "--version");
    static final long VERSION_TIMEOUT_S = 10;

    /** One tool: where it is, and what it said; {@code problem} is null when it can be used. */
    record Tool(String name, String program, String version, String problem) {

        boolean usable() {
            return problem == null;
        }

        String describe() {
            return name + " (" + program + "): " + (usable() ? "found" + (version == null ? "" : ", " + version)
                : problem);
        }
    }

    /** Every tool, by name, and what the worker can build with them. */
    record Tools(Map<String, Tool> byName) {

        boolean usable(String name) {
            Tool tool = byName.get(name);
            return tool != null && tool.usable();
        }

        /** The image kinds whose tool was found, in a stable order. */
        List<String> kinds() {
            List<String> kinds = new ArrayList<>();
            for (String kind : List.of(ImageKinds.BOOT, ImageKinds.LIVE, ImageKinds.LIVE_KIWI, ImageKinds.DVD)) {
                if (usable(ImageKinds.TOOLS.get(kind))) {
                    kinds.add(kind);
                }
            }
            return kinds;
        }

        /** Why {@code kind} cannot be built here, naming the setting to fix. */
        String whyNot(String kind) {
            String name = ImageKinds.TOOLS.get(kind);
            Tool tool = byName.get(name);
            return "this worker cannot build " + ImageKinds.describe(kind) + " images: " + name + " "
                + (tool == null ? "is not configured" : tool.problem()) + " (worker.tools." + name + ")";
        }
    }

    private ToolProbe() {
    }

    static Tools probe(WorkerSettings settings) {
        Map<String, Tool> tools = new TreeMap<>();
        List<String> names = new ArrayList<>(ImageKinds.TOOLS.values());
        names.add("ksflatten");
        for (String name : names) {
            tools.put(name, probe(name, settings.tool(name), settings.workDir()));
        }
        return new Tools(tools);
    }

    static Tool probe(String name, String program, Path workDir) {
        Path path = locate(program);
        if (path == null) {
            return new Tool(name, program, null, "not found");
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            return new Tool(name, program, null, "not an executable file");
        }
        String flag = VERSION_FLAG.get(name);
        return new Tool(name, path.toString(), flag == null ? null : version(path, flag, workDir), null);
    }

    /** The program itself when it is a path, else the first match on PATH; null if none. */
    private static Path locate(String program) {
        if (program.contains("/")) {
            return Files.exists(Path.of(program)) ? Path.of(program) : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The first line the tool prints for its version flag, or null if it says nothing useful in time. */
    private static String version(Path program, String flag, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Process process = new ProcessBuilder(program.toString(), flag).directory(workDir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!process.waitFor(VERSION_TIMEOUT_S, TimeUnit.SECONDS)) {
                RunningTools.stopTrees(List.of(process));
                return null;
            }
            String out = new String(process.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 && !out.isEmpty() ? out.lines().findFirst().orElse(null) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
