package org.fbs.spec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
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

    private static final String DEFAULT = "DEFAULT";
    private static final String BOOT = "boot";
    private static final List<String> SECTIONS = List.of("boot", "dvd", "live");
    private static final List<String> ARCHES = List.of("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armhfp");
    /** Fedora publishes these under /pub/fedora-secondary instead of /pub/fedora/linux. */
    private static final List<String> SECONDARY_ARCHES = List.of("ppc64le", "s390x");
    private static final List<String> DEFAULT_KEYS = List.of("type", "arch", "release", "staging", "email");
    private static final List<String> BOOT_KEYS = List.of("product", "release", "version", "updates",
        "updates-testing", "proxy", "nvr", "bid", "outdir", "workdir");

    private static final Pattern RELEASE = Pattern.compile("[1-9][0-9]*|rawhide");
    // product and version become lorax arguments: no leading dash, nothing a shell or option parser cares about.
    private static final Pattern PRODUCT = Pattern.compile("(?!-)[A-Za-z0-9._ -]{1,64}");
    private static final Pattern VERSION = Pattern.compile("(?!-)[A-Za-z0-9._-]{1,32}");
    private static final Pattern REPO_KEY =
        Pattern.compile("([1-9][0-9]*|rawhide)(-updates|-updates-testing)?_(url|mirror)");
    private static final Pattern NVR_NAME = Pattern.compile("(?!-)[A-Za-z0-9._+~^-]+(?<!-)");
    private static final Pattern NVR_PART = Pattern.compile("[A-Za-z0-9._+~^]+");
    private static final Pattern BUILD_ID = Pattern.compile("[1-9][0-9]{0,17}");
    private static final Pattern EMAIL_LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");

    private static final String NOT_STAGING = "expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path";
    private static final String NOT_SCALAR = "expected a string, number, boolean or array of those";
    private static final String METALINK = "https://mirrors.fedoraproject.org/metalink?repo=";

    private final List<String> errors = new ArrayList<>();

    private SpecParser() {
    }

    /** Parses the INI form (the 2012 boot_imagebuild.conf format). */
    public static BuildSpec fromIni(String text) throws SpecException {
        if (text == null) {
            throw new SpecException(List.of("spec: no input"));
        }
        if (text.length() > MAX_INI_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_INI_BYTES) {
            throw new SpecException(List.of("spec: larger than 64 KiB"));
        }
        SpecParser parser = new SpecParser();
        return parser.validate(IniFile.read(text, parser.errors));
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
        String text = value instanceof JsonArray array ? joined(array) : scalar(value);
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
            if (!DEFAULT_KEYS.contains(key)) {
                error(DEFAULT, key, "unknown key");
            }
        }
        ImageType type = type(value(defaults, "type"));
        String arch = arch(value(defaults, "arch"));
        String release = value(defaults, "release");
        if (release == null) {
            error(DEFAULT, "release", "required");
        } else {
            release = release(DEFAULT, release);
        }
        String staging = staging(value(defaults, "staging"));
        List<String> email = email(value(defaults, "email"));
        // Other sections are ignored: the 2012 files kept [boot], [dvd] and [live] side by side.
        BootOptions boot = type == ImageType.BOOT
            ? boot(sections.getOrDefault(BOOT, Map.of()), defaults, arch, release)
            : null;
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        return new BuildSpec(type, arch, release, staging, email, KojiPackages.NONE, boot, null, null);
    }

    /** The type, or null (with an error) if it is missing, wrong, or not buildable yet. */
    private ImageType type(String value) {
        if (value == null) {
            error(DEFAULT, "type", "required");
        } else if (!SECTIONS.contains(value)) {
            error(DEFAULT, "type", "expected boot, dvd or live");
        } else if (ImageType.of(value) != ImageType.BOOT) {
            error(DEFAULT, "type", value + " images are not available yet; this service builds boot images");
        } else {
            return ImageType.BOOT;
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

    private String release(String section, String value) {
        if (RELEASE.matcher(value).matches()) {
            return value;
        }
        error(section, "release", "expected a positive whole number or rawhide");
        return null;
    }

    private String staging(String value) {
        if (value == null || value.equals(BuildSpec.WORKER_STAGING)) {
            return BuildSpec.WORKER_STAGING;
        }
        String normalized = normalizedStaging(value);
        if (normalized == null) {
            error(DEFAULT, "staging", NOT_STAGING);
        } else if (normalized.startsWith("ftp://")) {
            // Never echo the value: an FTP URL may carry a password.
            error(DEFAULT, "staging", "FTP staging is not available yet; use file:///path");
        } else {
            return normalized;
        }
        return null;
    }

    /** The staging target in canonical form (a bare host means anonymous FTP to /pub), or null if malformed. */
    private static String normalizedStaging(String value) {
        if (value.startsWith("file://")) {
            // One trailing slash is how people write folders (and what Path.toUri() gives): drop it.
            String path = value.substring("file://".length());
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return isCleanAbsolutePath(path) ? "file://" + path : null;
        }
        if (value.startsWith("ftp://")) {
            return isFtpTarget(value.substring("ftp://".length())) ? value : null;
        }
        return isHost(value) ? "ftp://" + value + "/pub" : null;
    }

    /**
     * An absolute path without empty, "." or ".." segments. It is taken literally, so '%' is refused: a later
     * percent-decoding must not be able to turn it into "..".
     */
    private static boolean isCleanAbsolutePath(String path) {
        if (!path.startsWith("/") || path.length() == 1 || hasControl(path) || containsAny(path, "%?#\\")) {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** {@code [user[:pass]@]host[:port]/path}: what follows "ftp://". */
    private static boolean isFtpTarget(String rest) {
        int slash = rest.indexOf('/');
        if (slash < 0 || hasControl(rest) || containsAny(rest, " ")) {
            return false;
        }
        String authority = rest.substring(0, slash);
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.indexOf(':');
        if (colon < 0) {
            return isHost(hostPort);
        }
        String port = hostPort.substring(colon + 1);
        return isHost(hostPort.substring(0, colon)) && PORT.matcher(port).matches()
            && Integer.parseInt(port) <= 65535;
    }

    /** A DNS name or dotted IPv4 address. Checked label by label: a regex loop over 64 KiB could overflow. */
    private static boolean isHost(String host) {
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

    /** The [boot] options, or null when [DEFAULT] was too broken to build them (its errors are recorded). */
    private BootOptions boot(Map<String, String> own, Map<String, String> defaults, String arch,
                             String defaultRelease) {
        for (String key : own.keySet()) {
            if (BOOT_KEYS.contains(key) || REPO_KEY.matcher(key).matches()) {
                continue;
            }
            if (!DEFAULT_KEYS.contains(key)) {
                error(BOOT, key, "unknown key");
            } else if (!Objects.equals(value(own, key), value(defaults, key))) {
                // configparser lets a section override [DEFAULT], but only [DEFAULT]'s value is used: refuse a
                // conflicting one rather than silently ignore it.
                error(BOOT, key, "differs from [DEFAULT]; set it there");
            }
        }
        String ownRelease = value(own, "release");
        String release = ownRelease == null ? defaultRelease : release(BOOT, ownRelease);

        String product = Objects.requireNonNullElse(value(own, "product"), "Fedora");
        if (!PRODUCT.matcher(product).matches()) {
            error(BOOT, "product", "expected 1 to 64 letters, digits, spaces, dots, dashes or underscores,"
                + " not starting with a dash");
        }
        String version = value(own, "version");
        if (version != null && !VERSION.matcher(version).matches()) {
            error(BOOT, "version", "expected 1 to 32 letters, digits, dots, dashes or underscores,"
                + " not starting with a dash");
        }
        boolean updates = bool(own, "updates");
        boolean updatesTesting = bool(own, "updates-testing");
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
        koji(own, "nvr", SpecParser::isNvr, "not a name-version-release");
        koji(own, "bid", id -> BUILD_ID.matcher(id).matches(), "not a Koji build id");
        // outdir and workdir are accepted and ignored: the worker chooses its own paths, because a request must
        // never pick where a root process writes.
        checkRepoKeys(own, release);
        if (release == null || arch == null) {
            return null;
        }
        return new BootOptions(product, version == null ? release : version, release,
            repos(own, release, arch, updates, updatesTesting), proxy, updates, updatesTesting);
    }

    private boolean bool(Map<String, String> section, String key) {
        String value = value(section, key);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> {
                error(BOOT, key, "expected 0, 1, true or false");
                yield false;
            }
        };
    }

    /** nvr and bid: checked so that typos show now, then refused until side repositories exist. */
    private void koji(Map<String, String> section, String key, Predicate<String> valid, String reason) {
        String value = value(section, key);
        List<String> items = value == null ? List.of()
            : Arrays.stream(value.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
            return;
        }
        for (String item : items) {
            if (!valid.test(item)) {
                error(BOOT, key, reason + " " + quoted(item));
            }
        }
        error(BOOT, key, "extra packages from Koji are not available yet");
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

    /** The release repo, then updates and updates-testing when enabled; Fedora's public ones by default. */
    private static List<Repo> repos(Map<String, String> own, String release, String arch, boolean updates,
                                    boolean updatesTesting) {
        String tree = SECONDARY_ARCHES.contains(arch)
            ? "https://dl.fedoraproject.org/pub/fedora-secondary/"
            : "https://dl.fedoraproject.org/pub/fedora/linux/";
        String archParam = "&arch=" + arch;
        List<Repo> repos = new ArrayList<>();
        if (release.equals("rawhide")) {
            repos.add(repo(own, release, tree + "development/rawhide/Everything/" + arch + "/os/",
                METALINK + "rawhide" + archParam));
        } else {
            repos.add(repo(own, release, tree + "releases/" + release + "/Everything/" + arch + "/os/",
                METALINK + "fedora-" + release + archParam));
        }
        if (updates) {
            repos.add(repo(own, release + "-updates", tree + "updates/" + release + "/Everything/" + arch + "/",
                METALINK + "updates-released-f" + release + archParam));
        }
        if (updatesTesting) {
            repos.add(repo(own, release + "-updates-testing",
                tree + "updates/testing/" + release + "/Everything/" + arch + "/",
                METALINK + "updates-testing-f" + release + archParam));
        }
        return repos;
    }

    /** What the user gave for this repo, exactly; Fedora's url and mirror if they gave neither. */
    private static Repo repo(Map<String, String> own, String key, String defaultUrl, String defaultMirror) {
        String url = value(own, key + "_url");
        String mirror = value(own, key + "_mirror");
        return url == null && mirror == null ? new Repo(key, defaultUrl, defaultMirror) : new Repo(key, url, mirror);
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

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static boolean containsAny(String text, String chars) {
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
