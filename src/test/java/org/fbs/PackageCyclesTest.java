package org.fbs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No cycle between the org.fbs packages of the production classes, as the JDK's jdeps sees them: each package can be
 * read and changed with only the ones below it in mind (issue 19).
 */
class PackageCyclesTest {

    private static final Pattern EDGE = Pattern.compile("^\\s*(org\\.fbs[\\w.]*)\\s+->\\s+(org\\.fbs[\\w.]*)\\s");

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        Path classes = Path.of("target/classes");
        assertThat(Files.isDirectory(classes.resolve("org/fbs"))).as("compiled classes in " + classes).isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", classes.toString());
        assertThat(status).as(out.toString()).isZero();

        Map<String, Set<String>> uses = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                uses.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
                uses.computeIfAbsent(m.group(2), k -> new TreeSet<>());
            }
        }
        assertThat(uses).as("jdeps found the packages").containsKeys("org.fbs.master", "org.fbs.web", "org.fbs.spec");

        assertThat(cycles(uses)).as("package cycles, each with the edges between its packages").isEmpty();
    }

    /** The strongly connected components of more than one package (Tarjan), each with its edges. */
    static List<String> cycles(Map<String, Set<String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<String> found = new ArrayList<>();
        for (String start : uses.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, uses, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> uses, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<String> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : uses.get(v)) {
            if (!index.containsKey(w)) {
                connect(w, uses, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                List<String> edges = new ArrayList<>();
                component.forEach(a -> uses.get(a).stream().filter(component::contains).forEach(b -> edges.add(a
                    + " -> " + b)));
                found.add(component + " " + edges);
            }
        }
    }
}
