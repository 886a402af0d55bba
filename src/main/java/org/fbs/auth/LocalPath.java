package org.fbs.auth;

import java.net.URI;
import java.net.URISyntaxException;

/** Where a redirect after login may lead: a path on this master only, never another site (no open redirect). */
final class LocalPath {

    private LocalPath() {
    }

    /** {@code wanted} when it is a path on this master, else {@code /}. */
    static String orRoot(String wanted) {
        if (wanted == null || !wanted.startsWith("/") || wanted.startsWith("//") || wanted.contains("\\")
            || wanted.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            // "//evil.example" and "/\evil.example" are taken by browsers as another host.
            return "/";
        }
        try {
            URI uri = new URI(wanted);
            if (uri.getScheme() != null || uri.getRawAuthority() != null) {
                return "/";
            }
        } catch (URISyntaxException e) {
            return "/";
        }
        return wanted;
    }
}
