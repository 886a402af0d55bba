package org.fbs.testkit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.fbs.config.WorkerSettings;

/**
 * {@code worker.tools} for test nodes: every tool the worker knows gets an explicit path, the stand-in or one that does
 * not exist, so that what is installed at the default paths (Debian's kiwi-ng, a developer's lorax) never leaks into
 * a test.
 */
public final class TestTools {

    /** The stand-in programs (src/test/standins, or -Dfbs.standins). */
    public static final Path STANDINS = Path.of(System.getProperty("fbs.standins", "src/test/standins"))
        .toAbsolutePath().normalize();
    /** A folder that does not exist: a tool pointed here is "not found". */
    public static final Path NOWHERE = Path.of("/nonexistent/fbs-test-tools");

    private TestTools() {
    }

    /** The stand-in {@code tool}. */
    public static String standIn(String tool) {
        return STANDINS.resolve(tool).toString();
    }

    /** Where a tool that is not there is looked for. */
    public static String missing(String tool) {
        return NOWHERE.resolve(tool).toString();
    }

    /** Every known tool missing but those {@code given}. */
    public static Map<String, String> only(Map<String, String> given) {
        Map<String, String> tools = new TreeMap<>();
        WorkerSettings.KNOWN_TOOLS.forEach(tool -> tools.put(tool, missing(tool)));
        tools.putAll(given);
        return tools;
    }

    /** Only {@code tool}, at {@code program}. */
    public static Map<String, String> only(String tool, String program) {
        return only(Map.of(tool, program));
    }

    /**
     * Every tool that has a stand-in at its stand-in (hfsplus-tools' mkfs missing), then {@code overrides}. pungi-koji
     * only when asked for: a worker that has it builds DVDs of 41 and later by a compose, and the tests of the legacy
     * route must not change with it.
     */
    public static Map<String, String> standIns(Map<String, String> overrides) {
        Map<String, String> tools = new LinkedHashMap<>();
        WorkerSettings.KNOWN_TOOLS.forEach(tool -> tools.put(tool,
            STANDINS.resolve(tool).toFile().canExecute() && !"pungi-koji".equals(tool) ? standIn(tool) : missing(tool)));
        tools.putAll(overrides);
        return only(tools);
    }

    /** Every stand-in. */
    public static Map<String, String> standIns() {
        return standIns(Map.of());
    }

    /** The {@code tools:} block of a worker YAML, each entry indented by {@code indent} spaces plus two. */
    public static String yaml(Map<String, String> tools, int indent) {
        String pad = " ".repeat(indent);
        StringBuilder yaml = new StringBuilder(pad).append("tools:\n");
        new TreeMap<>(only(tools)).forEach((tool, path) ->
            yaml.append(pad).append("  ").append(tool).append(": \"").append(path).append("\"\n"));
        return yaml.toString();
    }
}
