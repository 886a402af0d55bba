package org.fbs.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The {@code staging} key in canonical form: {@code file:///abs/path} or {@code ftp://[user[:pass]@]host[:port]/path}.
 * A bare host, as the 2012 files wrote it, means anonymous FTP to /pub. Paths are taken literally, so nothing that a
 * later decoding or resolving could turn into another folder ("..", "%2e", "\") gets through.
 */
final class StagingTarget {

    private StagingTarget() {
    }

    /** The canonical form, or null if the value is none of the accepted shapes. */
    static String normalize(String value) {
        if (value.startsWith("file://")) {
            String path = withoutTrailingSlash(value.substring("file://".length()));
            return path.length() > 1 && isCleanPath(path) ? "file://" + path : null;
        }
        if (value.startsWith("ftp://")) {
            return ftp(value);
        }
        // Checked as the URL it stands for, so that the canonical form is accepted in its turn.
        return SpecParser.isHost(value) ? ftp("ftp://" + value + "/pub") : null;
    }

    /**
     * Why {@code value} can never be a staging URL, in more words than "not one of the shapes", or null. Line breaks
     * and NUL in an FTP URL (even percent-encoded, as a password would carry them) would end the command they are in
     * and start another on the server: refused everywhere in the URL.
     */
    static String problem(String value) {
        if (value.regionMatches(true, 0, "ftp://", 0, 6) && (SpecParser.hasControl(value)
            || value.toLowerCase(Locale.ROOT).matches(".*%(0[0-9a-f]|1[0-9a-f]|7f).*"))) {
            return "control characters (line breaks, NUL) are not allowed anywhere in an ftp:// URL, not even"
                + " percent-encoded";
        }
        return null;
    }

    /**
     * ftp://[user[:pass]@]host[:port]/path, checked with java.net.URI so that the stager can parse it the same way.
     * As in RFC 1738 (and curl), the path is relative to the login directory; a leading %2F makes it absolute.
     */
    private static String ftp(String value) {
        if (problem(value) != null || value.indexOf(' ') >= 0) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        String rawPath = uri.getRawPath();
        String absolute = rawPath != null && rawPath.regionMatches(true, 0, "/%2F", 0, 4)
            ? "/" + rawPath.substring(4) : null;
        if (absolute != null) {
            // "/%2F" + the absolute path, its leading slash written once: /%2Fsrv/ftp
            rawPath = "/%2F" + (absolute.length() > 1 ? absolute.substring(1) : "");
            if (absolute.startsWith("//") || !isCleanPath(withoutTrailingSlash(absolute))) {
                return null;
            }
        }
        if (uri.getHost() == null || !SpecParser.isHost(uri.getHost()) || uri.getRawQuery() != null
            || uri.getRawFragment() != null || rawPath == null
            || absolute == null && !isCleanPath(withoutTrailingSlash(rawPath))
            || uri.getPort() == 0 || uri.getPort() > 65535 || (uri.getRawUserInfo() != null
            && (uri.getRawUserInfo().isEmpty() || uri.getRawUserInfo().startsWith(":")))) {
            return null;
        }
        // Everything before the path as written, then the path without a trailing slash.
        String prefix = value.substring(0, value.length() - uri.getRawPath().length());
        return prefix + withoutTrailingSlash(rawPath);
    }

    private static String withoutTrailingSlash(String path) {
        // One trailing slash is how people write folders (and what Path.toUri() gives): drop it.
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** "/" or an absolute path without empty, "." or ".." segments, '%', '?', '#' or '\'. */
    private static boolean isCleanPath(String path) {
        if (!path.startsWith("/") || SpecParser.hasControl(path) || SpecParser.containsAny(path, "%?#\\")) {
            return false;
        }
        if (path.equals("/")) {
            return true;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
