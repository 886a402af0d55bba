package org.fbs.spec;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a user's build spec into a {@link BuildSpec}. The INI text users already have and the REST API's JSON are
 * first brought to one shape, section -> key -> value, so that a single validator serves both and the two forms
 * cannot drift apart. The validator collects every problem, each as {@code [section] key: reason}, before it
 * throws, so that a user can fix a spec in one go. This class checks [DEFAULT] and the keys every section shares;
 * {@link BootSection}, {@link DvdSection} and {@link LiveSection} check their own.
 */
public final class SpecParser {

    static final int MAX_INI_BYTES = 64 * 1024;
    static final String DEFAULT = "DEFAULT";
    static final List<String> SECTIONS = List.of("boot", "dvd", "live");

    private static final int MAX_KOJI_BUILDS = 100;
    private static final List<String> ARCHES = List.of("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armhfp");
    private static final List<String> DEFAULT_KEYS = List.of("type", "arch", "release", "staging", "email");
    private static final List<String> KOJI_KEYS = List.of("nvr", "bid");
    /** Where the 2012 tools wrote; accepted and ignored, because the worker chooses every path itself. */
    private static final List<String> WORKER_PATHS =
        List.of("outdir", "workdir", "destdir", "cachedir", "tmpdir", "logfile");

    private static final Pattern NVR_NAME = Pattern.compile("(?!-)[A-Za-z0-9._+~^-]+(?<!-)");
    private static final Pattern NVR_PART = Pattern.compile("[A-Za-z0-9._+~^]+");
    private static final Pattern BUILD_ID = Pattern.compile("[1-9][0-9]{0,17}");
    private static final Pattern EMAIL_LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private static final String NOT_STAGING = "expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path";

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
        for (String name : List.of("dvd", "live")) {
            if (sections.getOrDefault(name, Map.of()).containsKey(KickstartKeys.KICKSTART)) {
                // One line cannot hold a kickstart, and a value here would be taken for its text.
                parser.section(name, Map.of()).error(KickstartKeys.KICKSTART,
                    "only in the JSON form; in INI give config=URL");
            }
        }
        String type = sections.getOrDefault(DEFAULT, Map.of()).get("type");
        if (("dvd".equals(type) || "live".equals(type)) && (kickstartName != null || kickstartText != null)) {
            Map<String, String> own = sections.computeIfAbsent(type, t -> new LinkedHashMap<>());
            own.remove(KickstartKeys.CONFIG);
            own.remove(KickstartKeys.KICKSTART);
            if (kickstartName != null) {
                own.put(KickstartKeys.CONFIG, kickstartName.strip());
            }
            if (kickstartText != null) {
                own.put(KickstartKeys.KICKSTART, kickstartText);
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
        return parser.validate(JsonSections.read(json, parser.errors));
    }

    private Section section(String name, Map<String, String> values) {
        return new Section(name, values, errors);
    }

    private BuildSpec validate(Map<String, Map<String, String>> sections) throws SpecException {
        Section defaults = section(DEFAULT, sections.getOrDefault(DEFAULT, Map.of()));
        for (String key : defaults.keys()) {
            if (!DEFAULT_KEYS.contains(key) && !KOJI_KEYS.contains(key) && !WORKER_PATHS.contains(key)) {
                defaults.error(key, "unknown key");
            }
        }
        ImageType type = type(defaults);
        String arch = arch(defaults);
        String release = defaults.value("release");
        if (release == null) {
            defaults.error("release", "required");
        } else {
            release = defaults.release("release", release);
        }
        String staging = staging(defaults);
        List<String> email = email(defaults);
        if (type == null) {
            throw new SpecException(errors);
        }
        // Only the type's own section counts: the 2012 files kept [boot], [dvd] and [live] side by side.
        Section own = section(type.section(), sections.getOrDefault(type.section(), Map.of()));
        checkKeys(type, own, defaults);
        KojiPackages packages = koji(own, defaults);
        BootOptions boot = type == ImageType.BOOT ? BootSection.read(own, arch, release) : null;
        DvdOptions dvd = type == ImageType.DVD ? DvdSection.read(own, release) : null;
        LiveOptions live = type == ImageType.LIVE ? LiveSection.read(own, release) : null;
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        // What the image tool itself would refuse is not the format's business: ImageKinds.check, at submit.
        return new BuildSpec(type, arch, release, staging, email, packages, boot, dvd, live);
    }

    private static ImageType type(Section defaults) {
        String value = defaults.value("type");
        if (value == null) {
            defaults.error("type", "required");
        } else if (!SECTIONS.contains(value)) {
            defaults.error("type", "expected boot, dvd or live");
        } else {
            return ImageType.of(value);
        }
        return null;
    }

    private static String arch(Section defaults) {
        String value = defaults.value("arch");
        if (value == null) {
            defaults.error("arch", "required");
        } else if (!ARCHES.contains(value)) {
            defaults.error("arch",
                "unknown arch " + Section.quoted(value) + " (expected one of " + String.join(", ", ARCHES) + ")");
        } else {
            return value;
        }
        return null;
    }

    private static String staging(Section defaults) {
        String value = defaults.value("staging");
        if (value == null || value.equals(BuildSpec.WORKER_STAGING)) {
            return BuildSpec.WORKER_STAGING;
        }
        String normalized = StagingTarget.normalize(value);
        if (StagingTarget.problem(value) != null) {
            defaults.error("staging", StagingTarget.problem(value));
        } else if (normalized == null) {
            // Never echo the value: an FTP URL may carry a password.
            defaults.error("staging", NOT_STAGING);
        }
        return normalized;
    }

    /** The most addresses one build mails: a build must not turn the master into a mass mailer. */
    public static final int MAX_RECIPIENTS = 20;

    private static List<String> email(Section defaults) {
        List<String> addresses = new ArrayList<>();
        String value = defaults.value("email");
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
                defaults.error("email", "not an email address " + Section.quoted(address));
            }
        }
        long distinct = addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).distinct().count();
        if (distinct > MAX_RECIPIENTS) {
            defaults.error("email", "at most " + MAX_RECIPIENTS + " addresses, not " + distinct);
        }
        return addresses;
    }

    /**
     * Unknown keys in the type's section, and [DEFAULT] keys repeated there with another value: configparser lets
     * a section override [DEFAULT], but only [DEFAULT]'s value is used, so refuse a conflicting one rather than
     * silently ignore it.
     */
    private static void checkKeys(ImageType type, Section own, Section defaults) {
        List<String> keys = switch (type) {
            case BOOT -> BootSection.KEYS;
            case DVD -> DvdSection.KEYS;
            case LIVE -> LiveSection.KEYS;
        };
        for (String key : own.keys()) {
            if (keys.contains(key) || KOJI_KEYS.contains(key) || WORKER_PATHS.contains(key)
                || type == ImageType.BOOT && BootSection.REPO_KEY.matcher(key).matches()) {
                continue;
            }
            if (!DEFAULT_KEYS.contains(key)) {
                own.error(key, "unknown key");
            } else if (!Objects.equals(own.value(key), defaults.value(key))) {
                own.error(key, "differs from [DEFAULT]; set it there");
            }
        }
    }

    /**
     * nvr and bid, {@code ;}-separated, from the type's section or else from [DEFAULT] (configparser's
     * inheritance). Duplicates are dropped; the order is kept.
     */
    private static KojiPackages koji(Section own, Section defaults) {
        List<String> nvrs = new ArrayList<>(kojiItems(own, defaults, "nvr"));
        List<Long> ids = kojiItems(own, defaults, "bid").stream().map(Long::parseLong).toList();
        return nvrs.isEmpty() && ids.isEmpty() ? KojiPackages.NONE : new KojiPackages(nvrs, ids);
    }

    /** The valid, distinct items of nvr or bid; each bad one is an error naming where it was written. */
    private static Set<String> kojiItems(Section own, Section defaults, String key) {
        Section where = own.value(key) != null ? own : defaults;
        String value = where.value(key);
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
                where.error(key, (nvr ? "not a name-version-release " : "not a Koji build id ")
                    + Section.quoted(trimmed));
            }
        }
        if (items.size() > MAX_KOJI_BUILDS) {
            where.error(key, "at most " + MAX_KOJI_BUILDS + " builds");
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

    static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    static boolean containsAny(String text, String chars) {
        return text.chars().anyMatch(c -> chars.indexOf(c) >= 0);
    }
}
