package org.fbs.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** TCP ports for the servers and cluster nodes that tests start. */
public final class Ports {

    private static final int LOWEST = 20_000;
    /** Linux's ephemeral range starts here (net.ipv4.ip_local_port_range). */
    private static final int EPHEMERAL = 32_768;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    /**
     * A port free now on every address, below Linux's ephemeral range: a port the kernel picks (bind to 0) can be
     * taken by any outgoing connection on the machine between this pick and the server's bind, seconds later in a
     * cluster node. Each port is handed out once per test JVM, so two nodes of one test never get the same one.
     */
    public static synchronized int freePort() throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL);
            if (HANDED_OUT.add(port)) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    return port;
                } catch (IOException taken) {
                    // another program's: try another
                }
            }
        }
        throw new IOException("no free port in " + LOWEST + "-" + (EPHEMERAL - 1));
    }
}
