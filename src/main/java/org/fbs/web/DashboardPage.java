package org.fbs.web;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.fbs.auth.Caller;
import org.fbs.build.BuildState;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildQuery;

/** {@code GET /}: the caller's builds (an admin's: everyone's), newest first, filtered by a GET form. */
final class DashboardPage {

    static final int SHOWN = 200;
    /** How often a page with unfinished builds refreshes them, where JS is on. */
    static final long REFRESH_MILLIS = 2000;

    private final AsyncBuildStore store;
    private final Clock clock;

    DashboardPage(AsyncBuildStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void show(RoutingContext ctx, Caller caller) {
        MultiMap params = ctx.queryParams();
        String stateText = blankToNull(params.get("state"));
        BuildState state = null;
        String problem = null;
        if (stateText != null) {
            try {
                state = BuildState.valueOf(stateText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem = "state: expected one of " + List.of(BuildState.values());
            }
        }
        String type = blankToNull(params.get("type"));
        if (type != null && !DashboardView.TYPES.contains(type)) {
            problem = "type: expected boot, dvd or live";
        }
        DashboardView.Filter filter = DashboardView.Filter.of(params);
        if (problem != null) {
            Layout.send(ctx, 400, "Dashboard", "dashboard.jte",
                new DashboardView(caller.admin(), filter, List.of(), problem, SHOWN), 0);
            return;
        }
        String owner = caller.admin() ? blankToNull(params.get("owner")) : caller.name();
        BuildQuery query = new BuildQuery(owner, state, type, blankToNull(params.get("arch")),
            blankToNull(params.get("release")), SHOWN);
        store.list(query).onFailure(ctx::fail).onSuccess(builds -> {
            Instant now = clock.instant();
            boolean live = builds.stream().anyMatch(b -> !b.state().isFinal());
            List<DashboardView.Row> rows = builds.stream().map(b -> DashboardView.Row.of(b, now)).toList();
            Layout.send(ctx, 200, "Dashboard", "dashboard.jte",
                new DashboardView(caller.admin(), filter, rows, null, SHOWN), live ? REFRESH_MILLIS : 0);
        });
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
