package org.fbs.web;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The New build form: every option of each image type with its help, how a filled form becomes the JSON spec the
 * REST API takes (so that {@link org.fbs.spec.SpecParser} judges both alike), and which field each of the
 * validator's messages belongs to.
 */
final class BuildForm {

    enum Kind { TEXT, SELECT, CHECK, LIST, FILE }

    /**
     * One input.
     *
     * @param name  the form field's name: a [DEFAULT] key, or {@code section.key} for the image type's own keys
     * @param types the image types it is for; empty for all
     */
    record Field(String name, String label, Kind kind, List<String> options, String placeholder, String help,
                 List<String> types) {
    }

    static final String KICKSTART_FILE = "ks_file";
    static final String KICKSTART_URL = "ks_url";
    /** The arches offered; the validator is the authority and names any it refuses. */
    static final List<String> ARCHES = List.of("x86_64", "aarch64", "ppc64le", "s390x", "i686", "armhfp");
    static final List<String> TYPES = List.of("boot", "dvd", "live");

    /** The form's fields in page order, grouped by the legend of the fieldset they sit in. */
    static final Map<String, List<Field>> GROUPS = new LinkedHashMap<>();
    /** Boot repository fields and the suffix of the INI key each one becomes ({release}SUFFIX). */
    private static final Map<String, String> REPO_KEYS = Map.of(
        "boot.repo_url", "_url", "boot.repo_mirror", "_mirror",
        "boot.updates_url", "-updates_url", "boot.updates_mirror", "-updates_mirror",
        "boot.updates-testing_url", "-updates-testing_url", "boot.updates-testing_mirror", "-updates-testing_mirror");
    private static final Pattern REPO_KEY = Pattern.compile("(?:[1-9][0-9]*|rawhide)(-updates|-updates-testing)?_(url|mirror)");
    private static final Pattern MESSAGE = Pattern.compile("\\[([A-Za-z]+)\\] ([^:]*):.*", Pattern.DOTALL);
    private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9._+-]");

    static {
        List<String> all = List.of();
        GROUPS.put("The image", List.of(
            select("type", "Image type", TYPES, all, "boot: a boot.iso made by lorax. dvd: an installation DVD made"
                + " by pungi. live: a live ISO made by livemedia-creator or kiwi. Only the options of the chosen type"
                + " are used."),
            select("arch", "Architecture", ARCHES, all, "What the image is for. A worker for this architecture and"
                + " release must be online; until one is, the build waits and the build page says why."),
            text("release", "Release", "41 or rawhide", all, "A Fedora release number, or rawhide. It chooses the"
                + " worker, and is the release lorax (-r), pungi and livemedia-creator (--releasever) build."),
            text("staging", "Staging", "empty: keep the images on the worker", all, "Where the images go. Empty"
                + " keeps them on the worker, with download links on the build page; file:///path is a folder the"
                + " worker may write; ftp://[user[:password]@]host[:port]/path uploads them; a bare host name means"
                + " anonymous FTP to /pub."),
            text("email", "Email", "you@example.org", all, "Addresses, separated by commas, that are told when the"
                + " build starts (with the live log link) and when it ends (result, SHA256 sums, the log's tail)."),
            new Field("nvr", "Koji builds (NVRs)", Kind.LIST, null, "anaconda-41.20-1.fc41", "Extra packages from"
                + " Koji by name-version-release, one per line or ;-separated: their RPMs go into a side repository"
                + " that the image tool sees beside the release's own.", all),
            text("bid", "Koji build ids", "2563491; 2563502", all, "The same by Koji build id, ;-separated.")));
        List<String> boot = List.of("boot");
        GROUPS.put("Boot image (lorax)", List.of(
            text("boot.product", "Product", "Fedora", boot, "lorax -p: the product name the image carries."),
            text("boot.version", "Version", "the release", boot, "lorax -v: the version the image carries;"
                + " empty uses the release."),
            check("boot.updates", "Include updates", boot, "Also install from the release's updates repository"
                + " (there is none for rawhide)."),
            check("boot.updates-testing", "Include updates-testing", boot, "Also install from updates-testing"
                + " (none for rawhide)."),
            text("boot.repo_url", "Release repository URL", "Fedora's", boot, "lorax -s: the base URL of the"
                + " release repository ({release}_url). Empty uses Fedora's own; required for i686 and armhfp,"
                + " whose trees Fedora no longer publishes."),
            text("boot.repo_mirror", "Release mirror list", "", boot, "lorax -m: a metalink or mirror list URL"
                + " for the release repository ({release}_mirror), used when it has no base URL; lorax needs at"
                + " least one base URL, so a mirror list alone is refused."),
            text("boot.updates_url", "Updates repository URL", "Fedora's", boot, "{release}-updates_url, used"
                + " when updates are included."),
            text("boot.updates_mirror", "Updates mirror list", "", boot,
                "{release}-updates_mirror."),
            text("boot.updates-testing_url", "Updates-testing repository URL", "Fedora's", boot,
                "{release}-updates-testing_url, used when updates-testing is included."),
            text("boot.updates-testing_mirror", "Updates-testing mirror list", "", boot,
                "{release}-updates-testing_mirror."),
            text("boot.proxy", "Proxy", "http://proxy.example.org:3128", boot, "lorax --proxy: an http or https"
                + " proxy for every repository.")));
        List<String> dvd = List.of("dvd");
        GROUPS.put("Installation DVD (pungi, or a pungi-koji compose for Fedora 41 and later)", List.of(
            text("dvd.name", "Name", "Fedora", dvd, "pungi --name; a compose's release_name (Fedora 41 and later). Every ISO name starts with it."),
            text("dvd.version", "Version", "the release", dvd, "pungi --ver; a compose's release_version. Empty uses the release (rawhide: rawhide)."),
            text("dvd.flavor", "Flavor", "Server", dvd, "pungi --flavor: letters and digits only; a compose's variant (DVD when empty)."),
            text("dvd.bugurl", "Bug URL", "https://bugzilla.redhat.com", dvd, "pungi --bugurl (a compose: lorax_options"
                + " bugurl): where the installer sends bug reports."),
            check("dvd.nosource", "No source packages", dvd, "pungi --nosource: no source ISO, whatever Source ISOs says."),
            check("dvd.sourceisos", "Source ISOs", dvd, "pungi --sourceisos: make source ISOs too"
                + " (NAME-FLAVOR-VERSION-source-DVD.iso)."),
            check("dvd.force", "Force", dvd, "pungi --force: go on over an existing destination. A"
                + " compose (Fedora 41 and later) always starts in a new folder, so it is not passed there."),
            select("dvd.stage", "Stage", List.of("all", "-G", "-C", "-B", "-I"), dvd, "all runs every stage"
                + " (--all-stages); or only one: -G gather, -C createrepo, -B buildinstall, -I createiso. Fedora 41,"
                + " 42 and rawhide DVDs are made by a pungi-koji compose, which cannot run a later stage alone:"
                + " there only all and -G (gather, no ISO) are taken.")));
        List<String> live = List.of("live");
        GROUPS.put("Live image (livemedia-creator or kiwi)", List.of(
            select("live.tool", "Tool", List.of("livemedia-creator", "kiwi"), live, "livemedia-creator builds"
                + " from a kickstart; kiwi (kiwi-ng, Fedora's current tool) from a kiwi description."),
            text("live.label", "Volume label", "PRODUCT-Live-RELEASE", live, "The ISO's volume id, at most 32"
                + " characters (livemedia-creator --volid)."),
            text("live.title", "Title", "", live, "Accepted from the 2012 format but not passed: livemedia-creator"
                + " has had no --title since lorax 32 (the build log says so)."),
            text("live.product", "Product", "Fedora", live, "livemedia-creator --project."),
            text("live.profile", "Kiwi profile", "Workstation", live, "kiwi-ng --profile: required with kiwi,"
                + " refused with livemedia-creator.")));
        List<String> kickstarted = List.of("dvd", "live");
        GROUPS.put("Kickstart (dvd and live)", List.of(
            new Field(KICKSTART_FILE, "Upload", Kind.FILE, null, null, "The kickstart (pungi,"
                + " livemedia-creator) or kiwi description (kiwi), at most 1 MiB. It is kept with the build.",
                kickstarted),
            text(KICKSTART_URL, "Or its URL", "https://example.org/fedora-live.ks", kickstarted, "An http or"
                + " https URL the master fetches the kickstart from when you submit; ignored when a file is"
                + " uploaded.")));
    }

    private BuildForm() {
    }

    private static Field text(String name, String label, String placeholder, List<String> types, String help) {
        return new Field(name, label, Kind.TEXT, null, placeholder, help, types);
    }

    private static Field select(String name, String label, List<String> options, List<String> types, String help) {
        return new Field(name, label, Kind.SELECT, options, null, help, types);
    }

    private static Field check(String name, String label, List<String> types, String help) {
        return new Field(name, label, Kind.CHECK, null, null, help, types);
    }

    /**
     * The JSON spec the REST API would take for this form: [DEFAULT] keys at the top, the chosen type's keys in its
     * object. Empty fields are left out, so that the validator's defaults apply.
     *
     * @param kickstartName the uploaded file's name, or null when none was uploaded
     * @param kickstartText the uploaded file's text, or null
     */
    static JsonObject toSpec(MultiMap form, String kickstartName, String kickstartText) {
        JsonObject spec = new JsonObject();
        for (String key : List.of("type", "arch", "release", "staging", "email")) {
            putIfGiven(spec, key, form.get(key));
        }
        String type = value(form, "type");
        if (type == null || !TYPES.contains(type)) {
            return spec;
        }
        JsonObject section = new JsonObject();
        String release = value(form, "release");
        for (List<Field> fields : GROUPS.values()) {
            for (Field field : fields) {
                if (!field.types().contains(type) || !field.name().startsWith(type + ".")) {
                    continue;
                }
                String key = field.name().substring(type.length() + 1);
                if (field.kind() == Kind.CHECK) {
                    if (form.contains(field.name())) {
                        section.put(key, "1");
                    }
                } else if (REPO_KEYS.containsKey(field.name())) {
                    // Repository keys are named after the release, as in the 2012 files; without one, the
                    // release's own error says what is missing.
                    if (release != null) {
                        putIfGiven(section, release + REPO_KEYS.get(field.name()), form.get(field.name()));
                    }
                } else {
                    putIfGiven(section, key, form.get(field.name()));
                }
            }
        }
        putIfGiven(section, "nvr", joined(form.get("nvr")));
        putIfGiven(section, "bid", joined(form.get("bid")));
        if (!type.equals("boot")) {
            if (kickstartText != null) {
                section.put("config", fileName(kickstartName, type.equals("live")
                    && "kiwi".equals(value(form, "live.tool")) ? "config.kiwi" : "kickstart.ks"));
                section.put("kickstart", kickstartText);
            } else {
                putIfGiven(section, "config", form.get(KICKSTART_URL));
            }
        }
        return spec.put(type, section);
    }

    /**
     * The form field a validator message ({@code [section] key: reason}) is about, or null when it is about none
     * (it is then shown only in the list above the form).
     */
    static String fieldOf(String message, boolean uploaded) {
        Matcher m = MESSAGE.matcher(message);
        if (!m.matches()) {
            return null;
        }
        String section = m.group(1);
        String key = m.group(2).strip();
        if (section.equals("DEFAULT") || key.equals("nvr") || key.equals("bid")) {
            return switch (key) {
                case "type", "arch", "release", "staging", "email", "nvr", "bid" -> key;
                default -> null;
            };
        }
        if (key.equals("config")) {
            return uploaded ? KICKSTART_FILE : KICKSTART_URL;
        }
        if (key.equals("kickstart")) {
            return KICKSTART_FILE;
        }
        Matcher repo = REPO_KEY.matcher(key);
        if (section.equals("boot") && repo.matches()) {
            String which = repo.group(1) == null ? "repo" : repo.group(1).substring(1);
            return "boot." + which + "_" + repo.group(2);
        }
        String name = section + "." + key;
        boolean known = GROUPS.values().stream().flatMap(List::stream).anyMatch(f -> f.name().equals(name));
        return known ? name : null;
    }

    /** Each field's messages, in the order the validator gave them. */
    static Map<String, List<String>> byField(List<String> messages, boolean uploaded) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String message : messages) {
            String field = fieldOf(message, uploaded);
            if (field != null) {
                out.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
            }
        }
        return out;
    }

    /** An uploaded file's name as the spec's {@code config} label: only the characters a file name there may have. */
    static String fileName(String uploaded, String fallback) {
        if (uploaded == null) {
            return fallback;
        }
        String base = uploaded.substring(Math.max(uploaded.lastIndexOf('/'), uploaded.lastIndexOf('\\')) + 1);
        String safe = UNSAFE_NAME.matcher(base).replaceAll("_").replaceFirst("^[.]+", "");
        if (safe.length() > 128) {
            safe = safe.substring(safe.length() - 128);
        }
        return safe.isEmpty() ? fallback : safe;
    }

    /** A list typed one per line, or separated by ; , or spaces, as the spec's ;-separated list. */
    private static String joined(String typed) {
        if (typed == null) {
            return null;
        }
        return Arrays.stream(typed.split("[;,\\s]+")).filter(s -> !s.isEmpty()).collect(Collectors.joining(";"));
    }

    private static String value(MultiMap form, String name) {
        String v = form.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static void putIfGiven(JsonObject json, String key, String value) {
        if (value != null && !value.isBlank()) {
            json.put(key, value.strip());
        }
    }
}
