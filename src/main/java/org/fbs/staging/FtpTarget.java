package org.fbs.staging;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where an {@code ftp://[user[:password]@]host[:port]/path} staging URL points. {@link #toString()} never shows the
 * password: it is what goes into messages and artifact locations.
 */
record FtpTarget(String host, int port, String user, String password, String path) {

    static final int DEFAULT_PORT = 21;

    static FtpTarget parse(String url) throws StagingException {
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
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        if (path.contains("\r") || path.contains("\n") || user.contains("\r") || user.contains("\n")) {
            throw new StagingException("staging: line breaks are not allowed in an FTP URL");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new StagingException("staging: '..' is not allowed in an FTP path");
            }
        }
        return new FtpTarget(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), user, password, path);
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
        return "ftp://" + (anonymous() ? "" : user + "@") + host + (port == DEFAULT_PORT ? "" : ":" + port) + path;
    }
}
