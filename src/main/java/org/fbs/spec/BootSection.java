package org.fbs.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The [boot] section: lorax's options and the package repositories it installs from. */
final class BootSection {

    static final List<String> KEYS = List.of("product", "release", "version", "updates", "updates-testing", "proxy");
    /** {@code {release}_url}, {@code {release}-updates_mirror}, ...: the repository keys of the 2012 format. */
    static final Pattern REPO_KEY =
        Pattern.compile("([1-9][0-9]*|rawhide)(-updates|-updates-testing)?_(url|mirror)");

    /** Fedora publishes these under /pub/fedora-secondary instead of /pub/fedora/linux. */
    private static final List<String> SECONDARY_ARCHES = List.of("ppc64le", "s390x");
    /** Fedora publishes no trees for these any more (i686 since 31, armhfp since 37). */
    private static final List<String> NO_DEFAULT_TREE = List.of("i686", "armhfp");

    private BootSection() {
    }

    /** The options, or null when [DEFAULT] was too broken to build them (its errors are recorded). */
    static BootOptions read(Section own, String arch, String defaultRelease) {
        String release = own.sameRelease("release", defaultRelease);
        String product = own.name("product", "Fedora");
        String version = own.word("version", null);
        boolean updates = own.bool("updates");
        boolean updatesTesting = own.bool("updates-testing");
        if ("rawhide".equals(release)) {
            if (updates) {
                own.error("updates", "rawhide has no updates repository");
            }
            if (updatesTesting) {
                own.error("updates-testing", "rawhide has no updates-testing repository");
            }
        }
        String proxy = own.url("proxy", "not an http or https URL", "http", "https");
        checkRepoKeys(own, release);
        if (release == null || arch == null) {
            return null;
        }
        return new BootOptions(product, version == null ? release : version, release,
            repos(own, release, arch, updates, updatesTesting), proxy, updates, updatesTesting);
    }

    private static void checkRepoKeys(Section own, String release) {
        for (String key : own.keys()) {
            Matcher matcher = REPO_KEY.matcher(key);
            if (!matcher.matches() || own.value(key) == null) {
                continue;
            }
            if (release != null && !matcher.group(1).equals(release)) {
                own.error(key, "does not match release " + release);
            } else {
                own.url(key, "not an http, https or ftp URL", "http", "https", "ftp");
            }
        }
    }

    /**
     * The release repo, then updates and updates-testing when enabled; Fedora's public ones by default. Fedora
     * stopped publishing i686 trees after release 30 and armhfp trees after 36 (old releases live on in
     * archives.fedoraproject.org, which no metalink serves): for those arches the user must name the repos.
     */
    private static List<Repo> repos(Section own, String release, String arch, boolean updates,
                                    boolean updatesTesting) {
        String tree = SECONDARY_ARCHES.contains(arch)
            ? "https://dl.fedoraproject.org/pub/fedora-secondary/"
            : "https://dl.fedoraproject.org/pub/fedora/linux/";
        List<Repo> repos = new ArrayList<>();
        if (release.equals("rawhide")) {
            repos.add(repo(own, arch, release, tree + "development/rawhide/Everything/" + arch + "/os/"));
        } else {
            repos.add(repo(own, arch, release, tree + "releases/" + release + "/Everything/" + arch + "/os/"));
        }
        if (updates) {
            repos.add(repo(own, arch, release + "-updates", tree + "updates/" + release + "/Everything/" + arch + "/"));
        }
        if (updatesTesting) {
            repos.add(repo(own, arch, release + "-updates-testing",
                tree + "updates/testing/" + release + "/Everything/" + arch + "/"));
        }
        return repos;
    }

    /**
     * What the user gave for this repo, exactly; Fedora's base URL if they gave neither. Not Fedora's metalink too:
     * lorax would make two repos of the same content of them.
     */
    private static Repo repo(Section own, String arch, String key, String defaultUrl) {
        String url = own.value(key + "_url");
        String mirror = own.value(key + "_mirror");
        if (url != null || mirror != null) {
            return new Repo(key, url, mirror);
        }
        if (NO_DEFAULT_TREE.contains(arch)) {
            own.error(key + "_url", "required for " + arch + ": Fedora no longer publishes " + arch
                + " trees; give " + key + "_url");
        }
        return new Repo(key, defaultUrl, null);
    }
}
