package org.fbs.spec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a user's build spec into a {@link BuildSpec}. The INI text users already have and the REST API's JSON are
 * first brought to one shape, section -> key -> value, so that a single validator serves both and the two forms
 * cannot drift apart. The validator collects every problem, each as {@code [section] key: reason}, before it
 * throws, so that a user can fix a spec in one go.
 */
public final class SpecParser {

    static final int MAX_INI_BYTES = 64 * 1024;
    private static final int MAX_KOJI_BUILDS = 100;

    private static final String DEFAULT = "DEFAULT";
    private static final String BOOT = "boot";
    private static final String DVD = "dvd";
    private static final String LIVE = "live";
    private static final String CONFIG = "config";
    private static final String KICKSTART = "kickstart";
    private static final List<String> SECTIONS = List.of(BOOT, DVD, LIVE);
    private static final List<String> ARCHES = List.of("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armhfp");
    /** Fedora publishes these under /pub/fedora-secondary instead of /pub/fedora/linux. */
    private static final List<String> SECONDARY_ARCHES = List.of("ppc64le", "s390x");
    /** Fedora publishes no trees for these any more (i686 since 31, armhfp since 37). */
    private static final List<String> NO_DEFAULT_TREE = List.of("i686", "armhfp");
    private static final List<String> DEFAULT_KEYS = List.of("type", "arch", "release", "staging", "email");
    private static final List<String> KOJI_KEYS = List.of("nvr", "bid");
    /** Where the 2012 tools wrote; accepted and ignored, because the worker chooses every path itself. */
    private static final List<String> WORKER_PATHS =
        List.of("outdir", "workdir", "destdir", "cachedir", "tmpdir", "logfile");
    private static final Map<String, List<String>> SECTION_KEYS = Map.of(
        BOOT, List.of("product", "release", "version", "updates", "updates-testing", "proxy"),
        DVD, List.of("name", "version", "flavor", "bugurl", "nosource", "sourceisos", "force", "stage", CONFIG,
            KICKSTART),
        LIVE, List.of("tool", "profile", "label", "title", "product", "releasever", CONFIG, KICKSTART));
    private static final List<String> STAGES = List.of("all", "-G", "-C", "-B", "-I");

    private static final Pattern RELEASE = Pattern.compile("[1-9][0-9]*|rawhide");
    // Names and versions become tool arguments: no leading dash, nothing a shell or option parser cares about.
    private static final Pattern PRODUCT = Pattern.compile("(?!-)[A-Za-z0-9._ -]{1,64}");
    private static final Pattern VERSION = Pattern.compile("(?!-)[A-Za-z0-9._-]{1,32}");
    private static final Pattern LABEL = VERSION;
    private static final Pattern PROFILE = Pattern.compile("(?!-)[A-Za-z0-9._+-]{1,64}");
    private static final Pattern FILE_NAME = Pattern.compile("(?!\\.)[A-Za-z0-9._+-]{1,128}");
    private static final Pattern REPO_KEY =
        Pattern.compile("([1-9][0-9]*|rawhide)(-updates|-updates-testing)?_(url|mirror)");
    private static final Pattern NVR_NAME = Pattern.compile("(?!-)[A-Za-z0-9._+~^-]+(?<!-)");
    private static final Pattern NVR_PART = Pattern.compile("[A-Za-z0-9._+~^]+");
    private static final Pattern BUILD_ID = Pattern.compile("[1-9][0-9]{0,17}");
    private static final Pattern EMAIL_LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");

    private static final String NOT_STAGING = "expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path";
    private static final String NOT_SCALAR = "expected a string, number, boolean or array of those";
    private static final String NOT_PRODUCT = "expected 1 to 64 letters, digits, spaces, dots, dashes or underscores,"
        + " not starting with a dash";
    private static final String NOT_VERSION = "expected 1 to 32 letters, digits, dots, dashes or underscores,"
        + " not starting with a dash";
    private static final String METALINK = "https://mirrors.fedoraproject.org/metalink?repo=";

    private final List<String> errors = new ArrayList<>();

    private SpecParser() {
    }

    /** Parses the INI form (the 2012 boot_imagebuild.conf format). */
    public static BuildSpec fromIni(String text) throws SpecException {
        return fromIni(text, null, null);
    }

    /**
     * Parses the INI form with a kickstart sent beside it, as the 2012 REST clients did: when given, the name
     * replaces the dvd or live section's {@code config} and the text becomes its kickstart.
     *
     * @param kickstartName a file name (a label) or the http(s) URL to fetch it from, or null
     * @param kickstartText the kickstart itself, or null
     */
    public static BuildSpec fromIni(String text, String kickstartName, String kickstartText) throws SpecException {
        if (text == null) {
            throw new SpecException(List.of("spec: no input"));
        }
        if (text.length() > MAX_INI_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_INI_BYTES) {
            throw new SpecException(List.of("spec: larger than 64 KiB"));
        }
        SpecParser parser = new SpecParser();
        Map<String, Map<String, String>> sections = IniFile.read(text, parser.errors);
        for (String section : List.of(DVD, LIVE)) {
            if (sections.getOrDefault(section, Map.of()).containsKey(KICKSTART)) {
                // One line cannot hold a kickstart, and a value here would be taken for its text.
                parser.error(section, KICKSTART, "only in the JSON form; in INI give config=URL");
            }
        }
        String type = sections.getOrDefault(DEFAULT, Map.of()).get("type");
        if ((DVD.equals(type) || LIVE.equals(type)) && (kickstartName != null || kickstartText != null)) {
            Map<String, String> own = sections.computeIfAbsent(type, t -> new LinkedHashMap<>());
            own.remove(CONFIG);
            own.remove(KICKSTART);
            if (kickstartName != null) {
                own.put(CONFIG, kickstartName.strip());
            }
            if (kickstartText != null) {
                own.put(KICKSTART, kickstartText);
            }
        }
        return parser.validate(sections);
    }

    /** Parses the JSON form: top-level members are [DEFAULT] keys, a boot, dvd or live object is that section. */
    public static BuildSpec fromJson(JsonObject json) throws SpecException {
        if (json == null) {
            throw new SpecException(List.of("spec: no input"));
        }
        SpecParser parser = new SpecParser();
        return parser.validate(parser.sections(json));
    }

    // ---- JSON to sections -------------------------------------------------------------------------------------

    private Map<String, Map<String, String>> sections(JsonObject json) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        sections.put(DEFAULT, defaults);
        for (String key : json.fieldNames()) {
            if (key == null) { // only a JsonObject built from a Java map can have one
                errors.add("spec: a JSON member has no name");
                continue;
            }
            Object value = json.getValue(key);
            if (!SECTIONS.contains(key)) {
                put(defaults, DEFAULT, key, value);
            } else if (value instanceof JsonObject section) {
                Map<String, String> values = new LinkedHashMap<>();
                for (String member : section.fieldNames()) {
                    if (member == null) {
                        errors.add("[" + key + "]: a JSON member has no name");
                    } else {
                        put(values, key, member, section.getValue(member));
                    }
                }
                sections.put(key, values);
            } else if (value != null) {
                errors.add("[" + key + "]: expected a JSON object");
            }
        }
        return sections;
    }

    /** Stores a JSON value as the INI would hold it; null means absent. */
    private void put(Map<String, String> values, String section, String key, Object value) {
        if (value == null) {
            return;
        }
        // A kickstart is kept byte for byte: its text is not a key's value to trim.
        String text = key.equals(KICKSTART) && value instanceof String string ? string
            : value instanceof JsonArray array ? joined(array) : scalar(value);
        if (text == null) {
            error(section, key, NOT_SCALAR);
        } else {
            values.put(key, text);
        }
    }

    /** A JSON string, number or boolean as INI text; null for anything else. */
    private static String scalar(Object value) {
        if (value instanceof String string) {
            return string.strip();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }

    /** An array of scalars as the INI's ;-separated list; null if an element is not a scalar. */
    private static String joined(JsonArray array) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String part = scalar(array.getValue(i));
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return String.join(";", parts);
    }

    // ---- validation -------------------------------------------------------------------------------------------

    private BuildSpec validate(Map<String, Map<String, String>> sections) throws SpecException {
        Map<String, String> defaults = sections.getOrDefault(DEFAULT, Map.of());
        for (String key : defaults.keySet()) {
            if (!DEFAULT_KEYS.contains(key) && !KOJI_KEYS.contains(key) && !WORKER_PATHS.contains(key)) {
                error(DEFAULT, key, "unknown key");
            }
        }
        ImageType type = type(value(defaults, "type"));
        String arch = arch(value(defaults, "arch"));
        String release = value(defaults, "release");
        if (release == null) {
            error(DEFAULT, "release", "required");
        } else {
            release = release(DEFAULT, "release", release);
        }
        String staging = staging(value(defaults, "staging"));
        List<String> email = email(value(defaults, "email"));
        if (type == null) {
            throw new SpecException(errors);
        }
        // Only the type's own section counts: the 2012 files kept [boot], [dvd] and [live] side by side.
        String section = type.section();
        Map<String, String> own = sections.getOrDefault(section, Map.of());
        checkKeys(section, own, defaults);
        KojiPackages packages = koji(section, own, defaults);
        BootOptions boot = null;
        DvdOptions dvd = null;
        LiveOptions live = null;
        switch (type) {
            case BOOT -> boot = boot(own, defaults, arch, release);
            case DVD -> dvd = dvd(own, release);
            case LIVE -> live = live(own, release);
        }
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        return new BuildSpec(type, arch, release, staging, email, packages, boot, dvd, live);
    }

    private ImageType type(String value) {
        if (value == null) {
            error(DEFAULT, "type", "required");
        } else if (!SECTIONS.contains(value)) {
            error(DEFAULT, "type", "expected boot, dvd or live");
        } else {
            return ImageType.of(value);
        }
        return null;
    }

    private String arch(String value) {
        if (value == null) {
            error(DEFAULT, "arch", "required");
        } else if (!ARCHES.contains(value)) {
            error(DEFAULT, "arch",
                "unknown arch " + quoted(value) + " (expected one of " + String.join(", ", ARCHES) + ")");
        } else {
            return value;
        }
        return null;
    }

    private String release(String section, String key, String value) {
        if (RELEASE.matcher(value).matches()) {
            return value;
        }
        error(section, key, "expected a positive whole number or rawhide");
        return null;
    }

    private String staging(String value) {
        if (value == null || value.equals(BuildSpec.WORKER_STAGING)) {
            return BuildSpec.WORKER_STAGING;
        }
        String normalized = StagingTarget.normalize(value);
        if (normalized == null) {
            // Never echo the value: an FTP URL may carry a password.
            error(DEFAULT, "staging", NOT_STAGING);
        }
        return normalized;
    }

    /** A DNS name or dotted IPv4 address. Checked label by label: a regex loop over 64 KiB could overflow. */
    static boolean isHost(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private List<String> email(String value) {
        List<String> addresses = new ArrayList<>();
        if (value == null) {
            return addresses;
        }
        for (String address : value.split("[,;\\s]+")) {
            if (address.isEmpty()) {
                continue; // before a leading separator
            }
            int at = address.lastIndexOf('@');
            if (at > 0 && EMAIL_LOCAL.matcher(address.substring(0, at)).matches()
                && isHost(address.substring(at + 1))) {
                addresses.add(address);
            } else {
                error(DEFAULT, "email", "not an email address " + quoted(address));
            }
        }
        return addresses;
    }

    /**
     * Unknown keys in the type's section, and [DEFAULT] keys repeated there with another value: configparser lets
     * a section override [DEFAULT], but only [DEFAULT]'s value is used, so refuse a conflicting one rather than
     * silently ignore it.
     */
    private void checkKeys(String section, Map<String, String> own, Map<String, String> defaults) {
        List<String> keys = SECTION_KEYS.get(section);
        for (String key : own.keySet()) {
            if (keys.contains(key) || KOJI_KEYS.contains(key) || WORKER_PATHS.contains(key)
                || section.equals(BOOT) && REPO_KEY.matcher(key).matches()) {
                continue;
            }
            if (!DEFAULT_KEYS.contains(key)) {
                error(section, key, "unknown key");
            } else if (!Objects.equals(value(own, key), value(defaults, key))) {
                error(section, key, "differs from [DEFAULT]; set it there");
            }
        }
    }

    /** The [boot] options, or null when [DEFAULT] was too broken to build them (its errors are recorded). */
    private BootOptions boot(Map<String, String> own, Map<String, String> defaults, String arch,
                             String defaultRelease) {
        String release = sameRelease(BOOT, "release", value(own, "release"), defaultRelease);
        String product = product(BOOT, "product", own);
        String version = value(own, "version");
        if (version != null && !VERSION.matcher(version).matches()) {
            error(BOOT, "version", NOT_VERSION);
        }
        boolean updates = bool(BOOT, own, "updates");
        boolean updatesTesting = bool(BOOT, own, "updates-testing");
        if ("rawhide".equals(release)) {
            if (updates) {
                error(BOOT, "updates", "rawhide has no updates repository");
            }
            if (updatesTesting) {
                error(BOOT, "updates-testing", "rawhide has no updates-testing repository");
            }
        }
        String proxy = value(own, "proxy");
        if (proxy != null && !isUrl(proxy, "http", "https")) {
            error(BOOT, "proxy", "not an http or https URL");
        }
        checkRepoKeys(own, release);
        if (release == null || arch == null) {
            return null;
        }
        return new BootOptions(product, version == null ? release : version, release,
            repos(own, release, arch, updates, updatesTesting), proxy, updates, updatesTesting);
    }

    /** The [dvd] options (pungi), or null when [DEFAULT] was too broken to build them. */
    private DvdOptions dvd(Map<String, String> own, String release) {
        String name = product(DVD, "name", own);
        String version = value(own, "version");
        if (version != null && !VERSION.matcher(version).matches()) {
            error(DVD, "version", NOT_VERSION);
        }
        String flavor = value(own, "flavor");
        if (flavor != null && !VERSION.matcher(flavor).matches()) {
            error(DVD, "flavor", NOT_VERSION);
        }
        String bugurl = value(own, "bugurl");
        if (bugurl != null && !isUrl(bugurl, "http", "https")) {
            error(DVD, "bugurl", "not an http or https URL");
        }
        boolean nosource = bool(DVD, own, "nosource");
        boolean sourceisos = bool(DVD, own, "sourceisos");
        boolean force = bool(DVD, own, "force");
        String stage = Objects.requireNonNullElse(value(own, "stage"), "all");
        if (!STAGES.contains(stage)) {
            error(DVD, "stage", "expected all, -G, -C, -B or -I");
        }
        Kickstart kickstart = kickstart(DVD, own, "kickstart.ks");
        if (release == null) {
            return null;
        }
        return new DvdOptions(name, version == null ? release : version, flavor, bugurl, nosource, sourceisos, force,
            stage, kickstart);
    }

    /** The [live] options (livemedia-creator or kiwi), or null when [DEFAULT] was too broken to build them. */
    private LiveOptions live(Map<String, String> own, String defaultRelease) {
        String tool = Objects.requireNonNullElse(value(own, "tool"), LiveOptions.LIVEMEDIA_CREATOR);
        if (!tool.equals(LiveOptions.LIVEMEDIA_CREATOR) && !tool.equals(LiveOptions.KIWI)) {
            error(LIVE, "tool", "expected livemedia-creator or kiwi");
        }
        String profile = value(own, "profile");
        if (tool.equals(LiveOptions.KIWI) && profile == null) {
            error(LIVE, "profile", "required when tool is kiwi");
        } else if (profile != null && !tool.equals(LiveOptions.KIWI)) {
            error(LIVE, "profile", "only for tool=kiwi");
        } else if (profile != null && !PROFILE.matcher(profile).matches()) {
            error(LIVE, "profile", "expected 1 to 64 letters, digits, dots, dashes, underscores or plus signs,"
                + " not starting with a dash");
        }
        String product = product(LIVE, "product", own);
        String releasever = sameRelease(LIVE, "releasever", value(own, "releasever"), defaultRelease);
        String label = value(own, "label");
        if (label != null && !LABEL.matcher(label).matches()) {
            error(LIVE, "label", "expected 1 to 32 letters, digits, dots, dashes or underscores,"
                + " not starting with a dash");
        }
        String title = value(own, "title");
        if (title != null && !PRODUCT.matcher(title).matches()) {
            error(LIVE, "title", NOT_PRODUCT);
        }
        Kickstart kickstart = kickstart(LIVE, own, tool.equals(LiveOptions.KIWI) ? "config.kiwi" : "kickstart.ks");
        if (releasever == null) {
            return null;
        }
        if (label == null) {
            String derived = product.replace(' ', '-') + "-Live-" + releasever;
            label = derived.length() > 32 ? derived.substring(0, 32) : derived;
        }
        return new LiveOptions(tool, label, title, product, releasever, profile, kickstart);
    }

    /**
     * A section's own release key: it may repeat [DEFAULT]'s release but not differ from it, because [DEFAULT]'s
     * release chooses the worker: a different one here would build one release on a worker of another.
     */
    private String sameRelease(String section, String key, String own, String defaultRelease) {
        if (own == null) {
            return defaultRelease;
        }
        String release = release(section, key, own);
        if (release != null && defaultRelease != null && !release.equals(defaultRelease)) {
            error(section, key, "differs from [DEFAULT] release " + defaultRelease
                + "; the release in [DEFAULT] chooses the worker, so set it there");
            return null;
        }
        return release;
    }

    /** A product name (lorax -p, pungi --name, livemedia-creator --project); Fedora by default. */
    private String product(String section, String key, Map<String, String> own) {
        String product = Objects.requireNonNullElse(value(own, key), "Fedora");
        if (!PRODUCT.matcher(product).matches()) {
            error(section, key, NOT_PRODUCT);
        }
        return product;
    }

    /**
     * The kickstart of a dvd or live build: {@code kickstart} holds the text (JSON only), {@code config} its file
     * name or the http(s) URL the master fetches it from. A path is never read: the request does not choose what
     * the master opens. The text is null when it is still to be fetched from the URL.
     */
    private Kickstart kickstart(String section, Map<String, String> own, String defaultName) {
        String config = value(own, CONFIG);
        String text = own.get(KICKSTART);
        if (text != null && text.isBlank()) {
            text = null;
        }
        if (text != null && (text.length() > Kickstart.MAX_BYTES
            || text.getBytes(StandardCharsets.UTF_8).length > Kickstart.MAX_BYTES)) {
            error(section, KICKSTART, "larger than 1 MiB");
        }
        if (config == null) {
            if (text == null) {
                error(section, CONFIG, "required: an http or https URL to the kickstart"
                    + " (or, in the JSON form, its text in kickstart)");
            }
            return text == null ? null : new Kickstart(defaultName, text);
        }
        if (isUrl(config, "http", "https")) {
            if (URI.create(config).getRawUserInfo() != null) {
                error(section, CONFIG, "a URL with a user or password is not accepted");
            }
        } else if (config.contains("://")) {
            error(section, CONFIG, "not an http or https URL");
        } else if (containsAny(config, "/\\")) {
            error(section, CONFIG, "a path is never read; give an http or https URL, or send the kickstart text");
        } else if (!FILE_NAME.matcher(config).matches()) {
            error(section, CONFIG, "expected an http or https URL, or a file name with the kickstart text");
        } else if (text == null) {
            error(section, CONFIG, "a file name alone cannot be fetched; give an http or https URL,"
                + " or send the kickstart text");
        }
        return new Kickstart(config, text);
    }

    private boolean bool(String section, Map<String, String> own, String key) {
        String value = value(own, key);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> {
                error(section, key, "expected 0, 1, true or false");
                yield false;
            }
        };
    }

    /**
     * nvr and bid, {@code ;}-separated, from the type's section or else from [DEFAULT] (configparser's
     * inheritance). Duplicates are dropped; the order is kept.
     */
    private KojiPackages koji(String section, Map<String, String> own, Map<String, String> defaults) {
        List<String> nvrs = new ArrayList<>();
        for (String nvr : kojiItems(section, own, defaults, "nvr")) {
            nvrs.add(nvr);
        }
        List<Long> ids = new ArrayList<>();
        for (String id : kojiItems(section, own, defaults, "bid")) {
            ids.add(Long.parseLong(id));
        }
        return nvrs.isEmpty() && ids.isEmpty() ? KojiPackages.NONE : new KojiPackages(nvrs, ids);
    }

    /** The valid, distinct items of nvr or bid; each bad one is an error naming where it was written. */
    private Set<String> kojiItems(String section, Map<String, String> own, Map<String, String> defaults, String key) {
        String where = value(own, key) != null ? section : DEFAULT;
        String value = value(own, key) != null ? value(own, key) : value(defaults, key);
        Set<String> items = new LinkedHashSet<>();
        if (value == null) {
            return items;
        }
        boolean nvr = key.equals("nvr");
        for (String item : value.split(";")) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (nvr ? isNvr(trimmed) : BUILD_ID.matcher(trimmed).matches()) {
                items.add(trimmed);
            } else {
                error(where, key, (nvr ? "not a name-version-release " : "not a Koji build id ") + quoted(trimmed));
            }
        }
        if (items.size() > MAX_KOJI_BUILDS) {
            error(where, key, "at most " + MAX_KOJI_BUILDS + " builds");
        }
        return items;
    }

    /** name-version-release, split at the last two dashes: names may contain dashes, the others may not. */
    private static boolean isNvr(String nvr) {
        int releaseDash = nvr.lastIndexOf('-');
        int versionDash = releaseDash <= 0 ? -1 : nvr.lastIndexOf('-', releaseDash - 1);
        return versionDash > 0
            && NVR_NAME.matcher(nvr.substring(0, versionDash)).matches()
            && NVR_PART.matcher(nvr.substring(versionDash + 1, releaseDash)).matches()
            && NVR_PART.matcher(nvr.substring(releaseDash + 1)).matches();
    }

    private void checkRepoKeys(Map<String, String> own, String release) {
        for (String key : own.keySet()) {
            Matcher matcher = REPO_KEY.matcher(key);
            String value = value(own, key);
            if (!matcher.matches() || value == null) {
                continue;
            }
            if (release != null && !matcher.group(1).equals(release)) {
                error(BOOT, key, "does not match release " + release);
            } else if (!isUrl(value, "http", "https", "ftp")) {
                error(BOOT, key, "not an http, https or ftp URL");
            }
        }
    }

    /**
     * The release repo, then updates and updates-testing when enabled; Fedora's public ones by default. Fedora
     * stopped publishing i686 trees after release 30 and armhfp trees after 36 (old releases live on in
     * archives.fedoraproject.org, which no metalink serves): for those arches the user must name the repos.
     */
    private List<Repo> repos(Map<String, String> own, String release, String arch, boolean updates,
                             boolean updatesTesting) {
        String tree = SECONDARY_ARCHES.contains(arch)
            ? "https://dl.fedoraproject.org/pub/fedora-secondary/"
            : "https://dl.fedoraproject.org/pub/fedora/linux/";
        String archParam = "&arch=" + arch;
        List<Repo> repos = new ArrayList<>();
        if (release.equals("rawhide")) {
            repos.add(repo(own, arch, release, tree + "development/rawhide/Everything/" + arch + "/os/",
                METALINK + "rawhide" + archParam));
        } else {
            repos.add(repo(own, arch, release, tree + "releases/" + release + "/Everything/" + arch + "/os/",
                METALINK + "fedora-" + release + archParam));
        }
        if (updates) {
            repos.add(repo(own, arch, release + "-updates", tree + "updates/" + release + "/Everything/" + arch + "/",
                METALINK + "updates-released-f" + release + archParam));
        }
        if (updatesTesting) {
            repos.add(repo(own, arch, release + "-updates-testing",
                tree + "updates/testing/" + release + "/Everything/" + arch + "/",
                METALINK + "updates-testing-f" + release + archParam));
        }
        return repos;
    }

    /** What the user gave for this repo, exactly; Fedora's url and mirror if they gave neither. */
    private Repo repo(Map<String, String> own, String arch, String key, String defaultUrl, String defaultMirror) {
        String url = value(own, key + "_url");
        String mirror = value(own, key + "_mirror");
        if (url != null || mirror != null) {
            return new Repo(key, url, mirror);
        }
        if (NO_DEFAULT_TREE.contains(arch)) {
            error(BOOT, key + "_url", "required for " + arch + ": Fedora no longer publishes " + arch
                + " trees; give " + key + "_url or " + key + "_mirror");
        }
        return new Repo(key, defaultUrl, defaultMirror);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** A key's value; an empty value means absent, as in the 2012 files ({@code proxy=}). */
    private static String value(Map<String, String> section, String key) {
        String value = section.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    private static boolean isUrl(String value, String... schemes) {
        try {
            URI uri = new URI(value);
            return uri.getScheme() != null && uri.getHost() != null
                && List.of(schemes).contains(uri.getScheme().toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    static boolean containsAny(String text, String chars) {
        return text.chars().anyMatch(c -> chars.indexOf(c) >= 0);
    }

    private void error(String section, String key, String reason) {
        errors.add("[" + section + "] " + printable(key) + ": " + reason);
    }

    private static String quoted(String value) {
        return "'" + printable(value) + "'";
    }

    /** Request text made safe to show in a message, a log or a mail: invisible characters as '?', at most 64. */
    static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return UNPRINTABLE.matcher(cut).replaceAll("?");
    }
}
