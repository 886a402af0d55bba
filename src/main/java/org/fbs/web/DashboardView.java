package org.fbs.web;

import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.BuildTimes;

/**
 * What the dashboard template shows: the filter form as the caller filled it, and one row per build.
 *
 * @param problem what is wrong with the filter (the page then lists nothing); null when it is fine
 */
record DashboardView(boolean admin, Filter filter, List<Row> rows, String problem, int shown) {

    static final List<String> TYPES = List.of("boot", "dvd", "live");
    static final List<BuildState> STATES = List.of(BuildState.values());

    /** The filter form's values as given (null when not given). */
    record Filter(String state, String type, String arch, String release, String owner) {

        static Filter of(MultiMap params) {
            return new Filter(params.get("state"), params.get("type"), params.get("arch"), params.get("release"),
                params.get("owner"));
        }

        static boolean chosen(String value, String chosen) {
            return value.equalsIgnoreCase(chosen == null ? "" : chosen);
        }
    }

    /** @param duration from submission to the end, or until now while the build runs or waits */
    record Row(long id, BuildState state, String stage, String type, String arch, String release, String owner,
               Instant submitted, Instant changed, String duration, String reason) {

        static Row of(Build b, Instant now) {
            Instant first = b.history().isEmpty() ? null : b.history().get(0).at();
            Instant last = b.history().isEmpty() ? null : b.history().get(b.history().size() - 1).at();
            return new Row(b.id(), b.state(), b.stage(), b.spec().getString("type"), b.spec().getString("arch"),
                b.spec().getString("release"), b.owner(), first, last,
                BuildTimes.text(BuildTimes.of(b, now).total()), b.reason());
        }
    }

    String heading() {
        return admin ? "All builds" : "My builds";
    }
}
