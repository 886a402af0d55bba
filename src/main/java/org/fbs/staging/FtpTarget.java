package org.fbs.staging;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an {@code ftp://[user[:password]@]host[:port]/path} staging URL points. As RFC 1738 (section 3.2.2) and curl
 * read it, the path's segments are folders to enter one after the other from the login directory, so
 * {@code ftp://bob@host/up} is {@code up} in bob's home; a first segment starting with {@code %2F} (an encoded
 * slash) starts from the server's root instead: {@code ftp://bob@host/%2Fsrv/up} is {@code /srv/up}. No other escape
 * is taken. {@link #toString()} never shows the password: it is what goes into messages and artifact locations.
 *
 * @param absolute whether the folders start from the server's root rather than the login directory
 * @param folders  the folders to enter, in order (none: the login directory itself, or the root)
 * @param rawPath  the path as written in the URL (without a trailing slash), for the locations FBS records
 */
record FtpTarget(String host, int port, String user, String password, boolean absolute, List<String> folders,
                 String rawPath) {

    static final int DEFAULT_PORT = 21;

    FtpTarget {
        folders = List.copyOf(folders);
    }

    static FtpTarget parse(String url) throws StagingException {
        // Before anything decodes it: a CR, LF or NUL (even percent-encoded) would end an FTP command and start another.
        if (url.chars().anyMatch(FtpTarget::isControl) || url.toLowerCase(Locale.ROOT).matches(".*%(0[0-9a-f]|1[0-9a-f]|7f).*")) {
            throw new StagingException("staging: control characters (line breaks, NUL) are not allowed anywhere in"
                + " an ftp:// URL, not even percent-encoded");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new StagingException("staging: not a valid ftp:// URL");
        }
        if (!"ftp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new StagingException("staging: expected ftp://[user[:password]@]host[:port]/path");
        }
        String user = "anonymous";
        String password = "fbs@";
        String info = uri.getUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = colon < 0 ? info : info.substring(0, colon);
            password = colon < 0 ? "" : info.substring(colon + 1);
        }
        if ((user + password).chars().anyMatch(FtpTarget::isControl)) {
            throw new StagingException("staging: control characters are not allowed in an FTP user or password");
        }
        String raw = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (raw.length() > 1 && raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        boolean absolute = raw.regionMatches(true, 0, "/%2F", 0, 4);
        String rest = absolute ? raw.substring(4) : raw.startsWith("/") ? raw.substring(1) : raw;
        List<String> folders = new ArrayList<>();
        for (String segment : rest.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..") || segment.contains("%")) {
                throw new StagingException("staging: '..' and escapes other than a leading %2F are not allowed in an"
                    + " FTP path");
            }
            folders.add(segment);
        }
        return new FtpTarget(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), user, password,
            absolute, folders, raw.isEmpty() ? "/" : raw);
    }

    private static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f;
    }

    boolean anonymous() {
        return user.equals("anonymous") || user.equals("ftp");
    }

    /** ftp://[user@]host[:port]/path/{@code name}: a location to record, without the password. */
    String location(String name) {
        String base = toString();
        return base.endsWith("/") ? base + name : base + "/" + name;
    }

    @Override
    public String toString() {
        return "ftp://" + (anonymous() ? "" : user + "@") + host + (port == DEFAULT_PORT ? "" : ":" + port) + rawPath;
    }
}
