package org.fbs.spec;

import java.net.URI;
import java.net.URISyntaxException;

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
        return SpecParser.isHost(value) ? "ftp://" + value + "/pub" : null;
    }

    /** ftp://[user[:pass]@]host[:port]/path, checked with java.net.URI so that the stager can parse it the same way. */
    private static String ftp(String value) {
        if (SpecParser.hasControl(value) || value.indexOf(' ') >= 0) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        String rawPath = uri.getRawPath();
        if (uri.getHost() == null || !SpecParser.isHost(uri.getHost()) || uri.getRawQuery() != null
            || uri.getRawFragment() != null || rawPath == null || !isCleanPath(withoutTrailingSlash(rawPath))
            || uri.getPort() == 0 || uri.getPort() > 65535 || (uri.getRawUserInfo() != null
            && (uri.getRawUserInfo().isEmpty() || uri.getRawUserInfo().startsWith(":")))) {
            return null;
        }
        // Everything before the path as written, then the path without a trailing slash.
        String prefix = value.substring(0, value.length() - rawPath.length());
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
