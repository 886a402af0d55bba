package org.fbs.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hosts named in the config as exceptions to an address rule: host names (matched exactly, case aside), IP
 * addresses, and CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}). Parsing never asks DNS.
 */
public final class AllowedHosts {

    public static final AllowedHosts NONE = new AllowedHosts(List.of(), List.of(), List.of());

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9-]{1,63})*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Every address: for {@code fbs build}, where the user reaches their own network from their own machine. */
    public static final AllowedHosts ANY = parse("any", List.of("0.0.0.0/0", "::/0"));

    private record Range(byte[] network, int prefix) {
    }

    private final List<String> entries;
    private final List<String> names;
    private final List<Range> ranges;

    private AllowedHosts(List<String> entries, List<String> names, List<Range> ranges) {
        this.entries = entries;
        this.names = names;
        this.ranges = ranges;
    }

    /** Parses the entries; the exception's message names {@code key} and the bad entry. */
    public static AllowedHosts parse(String key, List<String> entries) {
        List<String> names = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.trim();
            int slash = e.indexOf('/');
            String address = slash < 0 ? e : e.substring(0, slash);
            String bare = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
            if (IP_LITERAL.matcher(bare).matches()) {
                byte[] bytes = literal(key, e, bare);
                int prefix = bytes.length * 8;
                if (slash >= 0) {
                    String p = e.substring(slash + 1);
                    if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bytes.length * 8) {
                        throw new IllegalArgumentException(key + ": '" + e + "' has a bad prefix length");
                    }
                    prefix = Integer.parseInt(p);
                }
                ranges.add(new Range(bytes, prefix));
            } else if (slash < 0 && HOST_NAME.matcher(e).matches()) {
                names.add(e.toLowerCase(Locale.ROOT));
            } else {
                throw new IllegalArgumentException(key + ": '" + e
                    + "' is neither a host name, an IP address nor a CIDR range");
            }
        }
        return new AllowedHosts(List.copyOf(entries), List.copyOf(names), List.copyOf(ranges));
    }

    private static byte[] literal(String key, String entry, String address) {
        try {
            // A literal: InetAddress parses it without asking DNS.
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException(key + ": '" + entry + "' is not an IP address");
        }
    }

    /** Whether {@code host} (as written in a URL) is listed by name. */
    public boolean listsName(String host) {
        return names.contains(host.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code address} is listed, or falls in a listed range. */
    public boolean listsAddress(InetAddress address) {
        byte[] a = address.getAddress();
        for (Range r : ranges) {
            if (r.network().length == a.length && samePrefix(a, r.network(), r.prefix())) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    public List<String> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
