package org.fbs.build;

/**
 * What a worker's tool for one image kind can do, as learned at start.
 *
 * @param version what the tool said its version is, or null
 * @param problem why the worker cannot build the kind with it, or null when it can
 */
public record Capability(String version, String problem) {

    /** What a worker announces for a kind it can build. */
    public static final String AVAILABLE = "available";

    public static Capability available(String version) {
        return new Capability(version, null);
    }

    public static Capability unavailable(String version, String problem) {
        return new Capability(version, problem);
    }

    public boolean usable() {
        return problem == null;
    }

    /** {@link #AVAILABLE}, or why not. */
    public String announced() {
        return problem == null ? AVAILABLE : problem;
    }
}
