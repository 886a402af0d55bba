package org.fbs.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code %include} (and {@code %ksappend}) lines over the files that came with a build, and only those:
 * an include naming anything else (an absolute path, a URL, a file that did not come along) is refused, because a
 * worker runs as root and must not read its own files into a kickstart that is then staged for anyone to read.
 * Relative names are taken from the including file's folder within the set.
 */
public final class KickstartIncludes {

    private static final Pattern INCLUDE = Pattern.compile("^\\s*(%include|%ksappend)\\s+(\\S+)\\s*$");
    /** Deep enough for any real kickstart tree (Fedora's go three or four deep), and a bound against loops. */
    static final int MAX_DEPTH = 16;

    private final Map<String, String> files;

    private KickstartIncludes(Map<String, String> files) {
        this.files = files;
    }

    /** The text of {@code main} with every include expanded in place. */
    public static String flatten(String main, Map<String, String> files) throws KickstartException {
        return new KickstartIncludes(files).expand(main, new ArrayList<>());
    }

    private String expand(String name, List<String> chain) throws KickstartException {
        if (chain.contains(name)) {
            throw new KickstartException(where(chain) + "%include " + name + " includes itself ("
                + String.join(" -> ", chain) + " -> " + name + ")");
        }
        if (chain.size() >= MAX_DEPTH) {
            throw new KickstartException(where(chain) + "includes nest deeper than " + MAX_DEPTH);
        }
        chain.add(name);
        StringBuilder out = new StringBuilder();
        int number = 0;
        for (String line : files.get(name).lines().toList()) {
            number++;
            Matcher m = INCLUDE.matcher(line);
            if (!m.matches()) {
                out.append(line).append('\n');
                continue;
            }
            String target = resolve(name, m.group(2));
            if (target == null || !files.containsKey(target)) {
                throw new KickstartException(name + " line " + number + ": " + m.group(1) + " " + m.group(2)
                    + " names a file that did not come with the build (" + String.join(", ", files.keySet().stream()
                    .sorted().toList()) + "); only those can be included");
            }
            out.append(expand(target, chain));
        }
        chain.remove(chain.size() - 1);
        return out.toString();
    }

    /** {@code target} relative to the folder of {@code from} within the set, or null if it leaves the set. */
    private static String resolve(String from, String target) {
        if (target.startsWith("/") || target.contains("://") || target.contains("\\")) {
            return null;
        }
        int slash = from.lastIndexOf('/');
        List<String> parts = new ArrayList<>(slash < 0 ? List.of() : List.of(from.substring(0, slash).split("/")));
        for (String part : target.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    private static String where(List<String> chain) {
        return chain.isEmpty() ? "" : chain.get(chain.size() - 1) + ": ";
    }
}
