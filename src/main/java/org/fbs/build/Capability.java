package org.fbs.build;

import java.util.List;

/**
 * What a worker's tool for one image kind can do, as learned at start.
 *
 * @param version what the tool said its version is, or null
 * @param problem why the worker cannot build the kind with it, or null when it can
 * @param routes  the ways this worker can build the kind, named by their {@code worker.tools} entry, for a kind with
 *                more than one (dvd: the legacy {@code pungi} script, a {@code pungi-koji} compose); empty for the
 *                others, which have one tool
 */
public record Capability(String version, String problem, List<String> routes) {

    /** What a worker announces for a kind it can build. */
    public static final String AVAILABLE = "available";

    public Capability {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    public static Capability available(String version) {
        return new Capability(version, null, List.of());
    }

    /** A kind this worker builds in each of {@code routes}. */
    public static Capability available(String version, List<String> routes) {
        return new Capability(version, null, routes);
    }

    public static Capability unavailable(String version, String problem) {
        return new Capability(version, problem, List.of());
    }

    public boolean usable() {
        return problem == null;
    }

    /** {@link #AVAILABLE}, or why not. */
    public String announced() {
        return problem == null ? AVAILABLE : problem;
    }
}
