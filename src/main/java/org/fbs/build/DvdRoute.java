package org.fbs.build;

import java.util.Collection;
import org.fbs.spec.BuildSpec;

/**
 * The two ways a worker makes an installation DVD, each named by its {@code worker.tools} entry.
 *
 * <p>Which one a worker with both takes: the compose for Fedora 41 and later (and rawhide), the legacy script before.
 * Fedora 41 is the first release whose own pungi (4.9) has no DVD script left: its DVDs can only come from a compose,
 * which is how Fedora's own release engineering has made them since pungi 4 ({@code pungi-koji}, whose repos package
 * set is gathered by the 4.8+ pungi script itself: {@code pungi/phases/pkgset/sources/source_repos.py}). Older
 * releases keep the route their 2012 specs were written for, with its file names and its stages.
 */
public enum DvdRoute {

    /** The legacy full-DVD pungi script (pungi before 4.8). */
    LEGACY("pungi"),
    /** A local pungi-koji compose (pungi 4.8 and later). */
    COMPOSE("pungi-koji");

    /** The first release that only the compose route builds (see the class comment). */
    public static final int COMPOSE_ONLY_SINCE = 41;

    private final String tool;

    DvdRoute(String tool) {
        this.tool = tool;
    }

    /** Its {@code worker.tools} entry. */
    public String tool() {
        return tool;
    }

    /** Whether {@code release} (a number or rawhide) is one whose DVDs come from a compose wherever it can run. */
    public static boolean composeRelease(String release) {
        if ("rawhide".equals(release)) {
            return true;
        }
        try {
            return Integer.parseInt(release) >= COMPOSE_ONLY_SINCE;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The route for {@code spec} among the {@code available} ones (their tool entries); null when there is none.
     */
    public static DvdRoute choose(BuildSpec spec, Collection<String> available) {
        boolean legacy = available.contains(LEGACY.tool);
        boolean compose = available.contains(COMPOSE.tool);
        if (legacy && compose) {
            return composeRelease(spec.release()) ? COMPOSE : LEGACY;
        }
        return legacy ? LEGACY : compose ? COMPOSE : null;
    }
}
