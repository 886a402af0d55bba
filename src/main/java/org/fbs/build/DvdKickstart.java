package org.fbs.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a pungi-koji compose needs from a dvd kickstart, which the legacy pungi read itself: its repositories
 * ({@code repo --baseurl}, {@code url --url}) and its {@code %packages} (groups, environments, packages, exclusions).
 * Read from the flattened kickstart (ksflatten), in pykickstart's terms: pykickstart 3.74 {@code pykickstart/parser.py}
 * {@code Packages.add}: {@code @^env} is the environment, {@code @group} (with {@code --nodefaults} or
 * {@code --optional} after it) a group, {@code -@group} an excluded group, {@code -name} an excluded package, anything
 * else a package; {@code #} starts a comment; {@code %packages --ignoremissing} lets missing groups and packages pass.
 *
 * @param repos         base URLs, in the kickstart's order, each once
 * @param mirrorlists   the mirror-list URLs of repositories given by {@code --mirrorlist} or {@code --metalink} only
 * @param groups        the groups asked for, in order, each once
 * @param environments  environment ids, without the {@code @^}
 * @param packages      package names (or globs)
 * @param excluded      excluded package names
 * @param ignoreMissing {@code %packages --ignoremissing}
 */
public record DvdKickstart(List<String> repos, List<String> mirrorlists, List<GroupRequest> groups,
                           List<String> environments, List<String> packages, List<String> excluded,
                           boolean ignoreMissing) {

    /**
     * One {@code @group} line. Which of its packages it takes is the legacy pungi's rule (pungi 4.3.2
     * {@code pungi/gather.py} {@code getPackagesFromGroup}, from pykickstart's include level): the mandatory ones
     * always, the default ones unless {@code --nodefaults}, the optional ones with {@code --optional}.
     */
    public record GroupRequest(String id, boolean defaults, boolean optional) {

        /** Whether a package of comps type {@code type} (mandatory, default, optional, conditional) is taken. */
        public boolean takes(String type) {
            return switch (type) {
                case "mandatory", "conditional" -> true;
                case "default" -> defaults;
                case "optional" -> optional;
                default -> false;
            };
        }
    }

    /** The group ids, in order. */
    public List<String> groupIds() {
        return groups.stream().map(GroupRequest::id).toList();
    }

    public static DvdKickstart read(String kickstart) {
        Set<String> repos = new LinkedHashSet<>();
        Set<String> mirrorlists = new LinkedHashSet<>();
        Map<String, GroupRequest> groups = new LinkedHashMap<>();
        Set<String> environments = new LinkedHashSet<>();
        Set<String> excludedGroups = new LinkedHashSet<>();
        Set<String> packages = new LinkedHashSet<>();
        Set<String> excluded = new LinkedHashSet<>();
        boolean ignoreMissing = false;
        boolean inPackages = false;
        boolean inOtherSection = false;
        for (String raw : kickstart.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("%")) {
                List<String> words = words(line);
                String section = words.get(0);
                inPackages = section.equals("%packages");
                inOtherSection = !inPackages && !section.equals("%end");
                if (inPackages && words.contains("--ignoremissing")) {
                    ignoreMissing = true;
                }
                continue;
            }
            if (inPackages) {
                List<String> words = words(line.split("#", 2)[0]);
                if (words.isEmpty()) {
                    continue;
                }
                String item = words.get(0);
                if (item.startsWith("-@")) {
                    excludedGroups.add(item.substring(2));
                } else if (item.startsWith("@^")) {
                    environments.add(item.substring(2));
                } else if (item.startsWith("@")) {
                    String id = item.substring(1);
                    groups.putIfAbsent(id, new GroupRequest(id, !words.contains("--nodefaults"),
                        words.contains("--optional")));
                } else if (item.startsWith("-")) {
                    excluded.add(item.substring(1));
                } else {
                    packages.add(item);
                }
            } else if (!inOtherSection) {
                String url = commandUrl(line, false);
                String list = commandUrl(line, true);
                if (url != null) {
                    repos.add(url);
                } else if (list != null) {
                    mirrorlists.add(list);
                }
            }
        }
        excludedGroups.forEach(groups::remove);
        return new DvdKickstart(List.copyOf(repos), List.copyOf(mirrorlists), List.copyOf(groups.values()),
            List.copyOf(environments), List.copyOf(packages), List.copyOf(excluded), ignoreMissing);
    }

    /**
     * This kickstart with its repositories' {@code $releasever} and {@code $basearch} filled in, as the legacy pungi
     * filled them (pungi 4.3.2 {@code pungi/gather.py} {@code _inityum}: releasever is its {@code --ver}, basearch
     * rpmUtils' base arch of the tree's arch): a compose's pkgset_repos are used as written.
     */
    public DvdKickstart expanded(String releasever, String arch) {
        String basearch = switch (arch) {
            case "i386", "i486", "i586", "i686", "athlon" -> "i386";
            default -> arch;
        };
        java.util.function.UnaryOperator<String> fill = url -> url.replace("${releasever}", releasever)
            .replace("$releasever", releasever).replace("${basearch}", basearch).replace("$basearch", basearch);
        return new DvdKickstart(repos.stream().map(fill).distinct().toList(),
            mirrorlists.stream().map(fill).distinct().toList(), groups, environments, packages, excluded,
            ignoreMissing);
    }

    /** This kickstart with the base URLs its mirror lists came to, after its own, in place of the lists. */
    public DvdKickstart withMirrors(List<String> mirrors) {
        List<String> all = new ArrayList<>(repos);
        mirrors.stream().filter(m -> !all.contains(m)).forEach(all::add);
        return new DvdKickstart(List.copyOf(all), List.of(), groups, environments, packages, excluded,
            ignoreMissing);
    }

    /**
     * The base URL of a {@code repo --baseurl} or {@code url --url} command, or null; with {@code mirrors}, the mirror
     * list of a {@code repo} or {@code url} command ({@code --mirrorlist}, {@code --metalink}), or null.
     */
    private static String commandUrl(String line, boolean mirrors) {
        List<String> words = words(line);
        if (words.isEmpty()) {
            return null;
        }
        List<String> options = switch (words.get(0)) {
            case "repo" -> mirrors ? List.of("--mirrorlist", "--metalink") : List.of("--baseurl");
            case "url" -> mirrors ? List.of("--mirrorlist", "--metalink") : List.of("--url");
            default -> List.of();
        };
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            for (String option : options) {
                if (word.startsWith(option + "=")) {
                    return word.substring(option.length() + 1);
                }
                if (word.equals(option) && i + 1 < words.size()) {
                    return words.get(i + 1);
                }
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
