package org.fbs.auth;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The host names a master without login answers for: loopback names and addresses, the address it listens on and
 * the host of its public URL. A request whose {@code Host} names anything else reached it by DNS rebinding (a name
 * that resolved to another address when the page loaded and to this machine now) or through a proxy nobody set up.
 */
final class LocalHosts {

    private final Set<String> named = new TreeSet<>();

    LocalHosts(String listenHost, String publicUrl) {
        named.add("localhost");
        add(listenHost);
        if (publicUrl != null) {
            try {
                add(URI.create(publicUrl).getHost());
            } catch (IllegalArgumentException e) {
                // Checked when the settings were read; nothing to add.
            }
        }
    }

    private void add(String host) {
        if (host != null && !host.isBlank() && !host.equals("0.0.0.0") && !host.equals("::")
            && !host.equals("[::]")) {
            named.add(bare(host.toLowerCase(Locale.ROOT)));
        }
    }

    /** Whether a {@code Host} header value (host and optional port) names this master. */
    boolean allows(String hostHeader) {
        String host = hostOf(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (host == null) {
            return false;
        }
        return named.contains(host) || host.endsWith(".localhost") || host.equals("::1")
            || host.matches("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");
    }

    /** The host part without port and brackets; null when the value is no host[:port]. */
    private static String hostOf(String value) {
        String host;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0 || !(end == value.length() - 1 || value.startsWith(":", end + 1))) {
                return null;
            }
            host = value.substring(1, end);
        } else {
            int colon = value.indexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
        }
        // A trailing dot names the same host to DNS ("localhost." resolves like "localhost").
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() ? null : host;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** A Host value for a log line or an answer: cut short, control characters shown as '?'. */
    static String printable(String host) {
        String cut = host.length() > 100 ? host.substring(0, 100) + "..." : host;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "loopback names and addresses" + (named.size() > 1 ? " and " + named : "");
    }
}
