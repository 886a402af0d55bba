package org.fbs.worker;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.fbs.build.Capability;
import org.fbs.build.ImageKind;
import org.fbs.build.ImageKinds;
import org.fbs.build.ToolAnswers;
import org.fbs.build.ToolSetup;
import org.fbs.config.WorkerSettings;

/**
 * What the worker finds of its tools at start: each {@code worker.tools} program present and executable or not, what
 * it says when asked its version (each image kind names the flags, and reads the answers into what the tool can
 * do), and whether the host has hfsplus-tools. From that follows which image kinds it can build. Blocking.
 */
final class ToolProbe {

    /** The {@code worker.tools} entry of hfsplus-tools' mkfs: lorax needs it unless told --nomacboot. */
    static final String MKFS_HFSPLUS = "mkfs-hfsplus";
    static final String KSFLATTEN = "ksflatten";
    static final long VERSION_TIMEOUT_S = 10;

    /**
     * One tool: where it is, and what it said; {@code problem} is null when it can be used.
     *
     * @param answers what it printed for each probe flag it answered
     */
    record Tool(String name, String program, String version, String problem, ToolAnswers answers) {

        boolean usable() {
            return problem == null;
        }

        String describe() {
            return name + " (" + program + "): " + (usable() ? "found" + (version == null ? "" : ", " + version)
                : problem);
        }
    }

    /** Every tool by name, what each image kind can do with them, and the host facts the command lines need. */
    record Tools(Map<String, Tool> byName, Map<String, Capability> byKind, boolean hfsplus) {

        Tools {
            byName = Map.copyOf(byName);
            byKind = Map.copyOf(byKind);
        }

        boolean usable(String name) {
            Tool tool = byName.get(name);
            return tool != null && tool.usable();
        }

        /** The image kinds this worker can build, in a stable order. */
        List<String> kinds() {
            List<String> kinds = new ArrayList<>();
            for (ImageKind kind : ImageKinds.all()) {
                Capability capability = byKind.get(kind.name());
                if (capability != null && capability.usable()) {
                    kinds.add(kind.name());
                }
            }
            return kinds;
        }

        /** Each kind, in a stable order, with {@code available} or why this worker cannot build it. */
        Map<String, String> announced() {
            Map<String, String> out = new LinkedHashMap<>();
            for (ImageKind kind : ImageKinds.all()) {
                Capability capability = byKind.get(kind.name());
                out.put(kind.name(), capability == null ? "not probed" : capability.announced());
            }
            return out;
        }

        /** Why {@code kind} cannot be built here, naming the setting to fix. */
        String whyNot(String kind) {
            ImageKind known = ImageKinds.named(kind);
            Capability capability = byKind.get(kind);
            String why = capability == null ? "is not configured" : capability.problem();
            return "this worker cannot build " + known.describe() + " images: " + known.tool() + " " + why
                + " (worker.tools." + known.tool() + ")";
        }

        /** What the command of {@code kind} needs to know of this worker. */
        ToolSetup setup(ImageKind kind, WorkerSettings settings) {
            Capability capability = byKind.get(kind.name());
            Map<String, String> routes = new LinkedHashMap<>();
            if (capability != null) {
                capability.routes().forEach(route -> routes.put(route, settings.tool(route)));
            }
            return new ToolSetup(settings.tool(kind.tool()), hfsplus,
                settings.isolation().isolates() ? settings.isolation().bootIso() : null, routes);
        }
    }

    private ToolProbe() {
    }

    static Tools probe(WorkerSettings settings) {
        Map<String, Tool> tools = new TreeMap<>();
        Map<String, Capability> kinds = new HashMap<>();
        for (ImageKind kind : ImageKinds.all()) {
            Map<String, ToolAnswers> answered = new HashMap<>();
            Map<String, String> problems = new HashMap<>();
            for (String entry : kind.tools()) {
                Tool tool = tools.computeIfAbsent(entry, name -> probe(name, settings.tool(name), settings.workDir()));
                if (tool.usable()) {
                    answered.put(entry, tool.answers());
                } else {
                    problems.put(entry, tool.problem());
                }
            }
            kinds.put(kind.name(), kind.capability(answered, problems));
        }
        for (String name : List.of(KSFLATTEN, MKFS_HFSPLUS)) {
            tools.put(name, probe(name, settings.tool(name), settings.workDir()));
        }
        return new Tools(tools, kinds, tools.get(MKFS_HFSPLUS).usable());
    }

    /** The tool {@code name} at {@code program}, asked the probe flags of the image kind it serves, if any. */
    static Tool probe(String name, String program, Path workDir) {
        Path path = locate(program);
        if (path == null) {
            return new Tool(name, program, null, "not found", new ToolAnswers(Map.of()));
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            return new Tool(name, program, null, "not an executable file", new ToolAnswers(Map.of()));
        }
        List<String> flags = ImageKinds.all().stream().filter(k -> k.tools().contains(name)).findFirst()
            .map(k -> k.probeFlags(name)).orElse(List.of());
        Map<String, String> said = new HashMap<>();
        for (String flag : flags) {
            String out = ask(path, flag, workDir);
            if (out != null) {
                said.put(flag, out);
            }
        }
        ToolAnswers answers = new ToolAnswers(said);
        String version = flags.isEmpty() ? null : answers.firstLine(flags.get(0));
        return new Tool(name, path.toString(), version, null, answers);
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

    /** What the tool prints for {@code flag}, or null if it fails or says nothing in time. */
    private static String ask(Path program, String flag, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Process process = new ProcessBuilder(program.toString(), flag).directory(workDir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!process.waitFor(VERSION_TIMEOUT_S, TimeUnit.SECONDS)) {
                RunningTools.stopTrees(List.of(process));
                return null;
            }
            String out = new String(process.getInputStream().readNBytes(16 * 1024), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
