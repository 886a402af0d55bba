package org.fbs.staging;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.fbs.config.AllowedHosts;
import org.fbs.net.InternalAddresses;

/**
 * Which FTP servers a worker stages to: those on public addresses, and internal ones (loopback, private, link-local…)
 * only when {@code worker.ftp.allowed-hosts} lists them, the same rule as the master's for kickstart URLs. The worker
 * checks, not the master, because the worker is the one that connects, from its own network, and it connects to
 * the very address it checked (no second DNS answer). Otherwise anyone who may submit a build could make workers
 * knock on the services of their network and read the answers in the build's reason.
 */
final class FtpHosts {

    private final AllowedHosts allowed;

    FtpHosts(AllowedHosts allowed) {
        this.allowed = allowed;
    }

    /** The address to connect to for {@code host}, once every address it resolves to has passed. */
    InetAddress address(String host) throws StagingException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new StagingException("cannot reach the FTP server " + bare + ": unknown host");
        }
        if (allowed.listsName(bare)) {
            return addresses[0];
        }
        for (InetAddress address : addresses) {
            String kind = InternalAddresses.kind(address);
            if (kind != null && !allowed.listsAddress(address)) {
                String which = bare.equalsIgnoreCase(address.getHostAddress()) ? bare + " is " + kind
                    : bare + " is " + address.getHostAddress() + ", " + kind;
                throw new StagingException("staging: will not connect to FTP server " + bare + ": " + which
                    + " address (an operator may allow it in worker.ftp.allowed-hosts)");
            }
        }
        return addresses[0];
    }
}
