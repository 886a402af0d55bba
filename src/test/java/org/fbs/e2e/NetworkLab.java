package org.fbs.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts of their own on one machine, made with the kernel's network namespaces (as root, with iproute2's {@code ip}):
 * a bridge in this namespace holds the first address of a /24 (the test and the processes started here use it), and
 * each host is a namespace with a veth pair into the bridge and the next address. {@link #cut} pulls a host's cable
 * (its end on the bridge goes down: its packets are dropped silently, its TCP connections hold what they could not
 * send, as on a real network), {@link #restore} plugs it back. Everything is removed on {@link #close}.
 */
final class NetworkLab implements AutoCloseable {

    private static final String IP = "/usr/sbin/ip";
    private final String tag;
    private final String subnet;
    private final String bridge;
    private final Map<String, Integer> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();

    /** Whether this process may make namespaces (root, with ip): the reason it cannot, or null. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (CI runs as root); running as " + System.getProperty("user.name");
        }
        if (!Files.isExecutable(Path.of(IP))) {
            return IP + " (iproute2) is missing";
        }
        return null;
    }

    NetworkLab() throws IOException {
        tag = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff), 16);
        subnet = "10.231." + ThreadLocalRandom.current().nextInt(1, 255);
        bridge = "fbb" + tag;
        ip("link", "add", bridge, "type", "bridge");
        ip("addr", "add", subnet + ".1/24", "dev", bridge);
        ip("link", "set", bridge, "up");
    }

    /** This namespace's address on the lab's network (the bridge's). */
    String here() {
        return subnet + ".1";
    }

    /** Adds host {@code name} (a namespace) and answers its address. */
    String host(String name) throws IOException {
        int n = hosts.size() + 2;
        String ns = namespace(name);
        String outside = "fbo" + tag + n;
        String inside = "fbi" + tag + n;
        ip("netns", "add", ns);
        namespaces.add(ns);
        ip("link", "add", outside, "type", "veth", "peer", "name", inside);
        ip("link", "set", inside, "netns", ns);
        ip("link", "set", outside, "master", bridge);
        ip("link", "set", outside, "up");
        ip("-n", ns, "addr", "add", subnet + "." + n + "/24", "dev", inside);
        ip("-n", ns, "link", "set", inside, "up");
        ip("-n", ns, "link", "set", "lo", "up");
        hosts.put(name, n);
        return subnet + "." + n;
    }

    /** The command that runs {@code command} on host {@code name}. */
    List<String> on(String name, List<String> command) {
        List<String> all = new ArrayList<>(List.of(IP, "netns", "exec", namespace(name)));
        all.addAll(command);
        return all;
    }

    /** Pulls host {@code name}'s cable: nothing reaches it or leaves it until {@link #restore}. */
    void cut(String name) throws IOException {
        ip("link", "set", "fbo" + tag + hosts.get(name), "down");
    }

    void restore(String name) throws IOException {
        ip("link", "set", "fbo" + tag + hosts.get(name), "up");
    }

    private String namespace(String name) {
        return "fbs-" + tag + "-" + name;
    }

    private static void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(IP));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            quietly("netns", "del", ns);
        }
        quietly("link", "del", bridge);
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IOException e) {
            // best effort: a namespace that is gone already
        }
    }
}
