package org.fbs.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Addresses inside a network rather than on the internet: what a user's URL must not make the master (kickstart
 * URLs) or a worker (FTP staging hosts) reach.
 */
public final class InternalAddresses {

    private InternalAddresses() {
    }

    /** "a loopback", "a private"... for an internal address; null for a public one. */
    public static String kind(InetAddress address) {
        InetAddress a = embeddedIpv4(address);
        if (a.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (a.isLoopbackAddress()) {
            return "a loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local";
        }
        if (a.isMulticastAddress()) {
            return "a multicast";
        }
        byte[] b = a.getAddress();
        if (a.isSiteLocalAddress() || (a instanceof Inet6Address && (b[0] & 0xFE) == 0xFC)) {
            return "a private";
        }
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            if (first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240) {
                // 0/8 "this network", 100.64/10 carrier-grade NAT, 240/4 reserved and the broadcast address
                return "a reserved";
            }
        }
        return null;
    }

    /**
     * The IPv4 address inside an IPv4-compatible ({@code ::a.b.c.d}) or NAT64 ({@code 64:ff9b::a.b.c.d}) IPv6 address,
     * which reach that IPv4 host; the address itself otherwise. (IPv4-mapped ones are IPv4 already in Java.)
     */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        byte[] prefix = Arrays.copyOf(b, 12);
        boolean compatible = Arrays.equals(prefix, new byte[12]) && !address.isLoopbackAddress()
            && !address.isAnyLocalAddress();
        boolean nat64 = Arrays.equals(prefix, new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0});
        if (!compatible && !nat64) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
