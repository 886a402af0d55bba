package org.fbs.build;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a pungi-koji compose needs from a dvd kickstart, which the legacy pungi read itself: its repositories
 * ({@code repo --baseurl}, {@code url --url}) and its {@code %packages} (groups, packages, exclusions). Read from the
 * flattened kickstart (ksflatten), in pykickstart's terms: pykickstart 3.74 {@code pykickstart/parser.py}
 * {@code Packages.add}: {@code @group} (with options after it) is a group, {@code -@group} an excluded group,
 * {@code -name} an excluded package, anything else a package; {@code #} starts a comment.
 *
 * @param repos    base URLs, in the kickstart's order, each once
 * @param groups   group ids, without the {@code @}
 * @param packages package names (or globs)
 * @param excluded excluded package names
 */
public record DvdKickstart(List<String> repos, List<String> groups, List<String> packages, List<String> excluded) {

    public static DvdKickstart read(String kickstart) {
        Set<String> repos = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        Set<String> excludedGroups = new LinkedHashSet<>();
        Set<String> packages = new LinkedHashSet<>();
        Set<String> excluded = new LinkedHashSet<>();
        boolean inPackages = false;
        boolean inOtherSection = false;
        for (String raw : kickstart.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("%")) {
                String section = line.split("\\s+")[0];
                inPackages = section.equals("%packages");
                inOtherSection = !inPackages && !section.equals("%end");
                if (section.equals("%end")) {
                    inPackages = false;
                }
                continue;
            }
            if (inPackages) {
                String item = line.split("\\s+")[0];
                if (item.startsWith("-@")) {
                    excludedGroups.add(item.substring(2));
                } else if (item.startsWith("@")) {
                    groups.add(item.substring(1));
                } else if (item.startsWith("-")) {
                    excluded.add(item.substring(1));
                } else {
                    packages.add(item);
                }
            } else if (!inOtherSection) {
                String url = commandUrl(line);
                if (url != null) {
                    repos.add(url);
                }
            }
        }
        groups.removeAll(excludedGroups);
        return new DvdKickstart(List.copyOf(repos), List.copyOf(groups), List.copyOf(packages), List.copyOf(excluded));
    }

    /** The base URL of a {@code repo --baseurl} or {@code url --url} command, or null. */
    private static String commandUrl(String line) {
        List<String> words = words(line);
        if (words.isEmpty()) {
            return null;
        }
        String option = switch (words.get(0)) {
            case "repo" -> "--baseurl";
            case "url" -> "--url";
            default -> null;
        };
        if (option == null) {
            return null;
        }
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith(option + "=")) {
                return word.substring(option.length() + 1);
            }
            if (word.equals(option) && i + 1 < words.size()) {
                return words.get(i + 1);
            }
        }
        return null;
    }

    /** The line's words, double quotes removed (pykickstart splits commands with shlex). */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        return words;
    }
}
