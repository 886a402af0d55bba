package org.fbs.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One section of a spec, as INI and JSON both become (key -> text), while it is validated: reads its values and
 * records each problem as {@code [section] key: reason}, so that every check says where it is in the same words.
 */
final class Section {

    private static final Pattern RELEASE = Pattern.compile("[1-9][0-9]*|rawhide");
    // Names and versions become tool arguments: no leading dash, nothing a shell or option parser cares about.
    private static final Pattern PRODUCT = Pattern.compile("(?!-)[A-Za-z0-9._ -]{1,64}");
    private static final Pattern VERSION = Pattern.compile("(?!-)[A-Za-z0-9._-]{1,32}");
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");

    static final String NOT_PRODUCT = "expected 1 to 64 letters, digits, spaces, dots, dashes or underscores,"
        + " not starting with a dash";
    static final String NOT_VERSION = "expected 1 to 32 letters, digits, dots, dashes or underscores,"
        + " not starting with a dash";

    private final String name;
    private final Map<String, String> values;
    private final List<String> errors;

    Section(String name, Map<String, String> values, List<String> errors) {
        this.name = name;
        this.values = values;
        this.errors = errors;
    }

    String name() {
        return name;
    }

    Set<String> keys() {
        return values.keySet();
    }

    /** A key's value; an empty value means absent, as in the 2012 files ({@code proxy=}). */
    String value(String key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    void error(String key, String reason) {
        errors.add("[" + name + "] " + printable(key) + ": " + reason);
    }

    /** 0/1/true/false (and yes/no, as configparser reads them); false when absent. */
    boolean bool(String key) {
        String value = value(key);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> {
                error(key, "expected 0, 1, true or false");
                yield false;
            }
        };
    }

    /** A product name (lorax -p, pungi --name, livemedia-creator --project, --title); {@code fallback} if absent. */
    String name(String key, String fallback) {
        return matching(key, fallback, PRODUCT, NOT_PRODUCT);
    }

    /** A version-like word (pungi --ver, --flavor, a volume label); {@code fallback} if absent. */
    String word(String key, String fallback) {
        return matching(key, fallback, VERSION, NOT_VERSION);
    }

    /** The value, or {@code fallback} if absent; an error with {@code reason} if it does not match. */
    String matching(String key, String fallback, Pattern pattern, String reason) {
        String own = value(key);
        String value = own == null ? fallback : own;
        if (value != null && !pattern.matcher(value).matches()) {
            error(key, reason);
        }
        return value;
    }

    /** A URL with one of these schemes, or null if absent; the error {@code reason} if it is anything else. */
    String url(String key, String reason, String... schemes) {
        String value = value(key);
        if (value != null && !isUrl(value, schemes)) {
            error(key, reason);
        }
        return value;
    }

    /** A release number or rawhide, or null with an error. */
    String release(String key, String value) {
        if (RELEASE.matcher(value).matches()) {
            return value;
        }
        error(key, "expected a positive whole number or rawhide");
        return null;
    }

    /**
     * This section's own release key: it may repeat [DEFAULT]'s release but not differ from it, because [DEFAULT]'s
     * release chooses the worker: a different one here would build one release on a worker of another.
     */
    String sameRelease(String key, String defaultRelease) {
        String own = value(key);
        if (own == null) {
            return defaultRelease;
        }
        String release = release(key, own);
        if (release != null && defaultRelease != null && !release.equals(defaultRelease)) {
            error(key, "differs from [DEFAULT] release " + defaultRelease
                + "; the release in [DEFAULT] chooses the worker, so set it there");
            return null;
        }
        return release;
    }

    static boolean isUrl(String value, String... schemes) {
        try {
            URI uri = new URI(value);
            return uri.getScheme() != null && uri.getHost() != null
                && List.of(schemes).contains(uri.getScheme().toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static String quoted(String value) {
        return "'" + printable(value) + "'";
    }

    /** Request text made safe to show in a message, a log or a mail: invisible characters as '?', at most 64. */
    static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return UNPRINTABLE.matcher(cut).replaceAll("?");
    }
}
