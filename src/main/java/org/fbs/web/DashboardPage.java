package org.fbs.web;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildQuery;

/** {@code GET /}: the caller's builds (an admin's: everyone's), newest first, filtered by a GET form. */
final class DashboardPage {

    static final int SHOWN = 200;
    private static final List<String> TYPES = List.of("boot", "dvd", "live");
    /** How often a page with unfinished builds refreshes them, where JS is on. */
    static final long REFRESH_MILLIS = 2000;

    private final AsyncBuildStore store;

    DashboardPage(AsyncBuildStore store) {
        this.store = store;
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
        if (type != null && !TYPES.contains(type)) {
            problem = "type: expected boot, dvd or live";
        }
        if (problem != null) {
            Layout.send(ctx, 400, "Dashboard", form(caller, params).add("<p class=\"error\">").text(problem)
                .add("</p>"), 0);
            return;
        }
        String owner = caller.admin() ? blankToNull(params.get("owner")) : caller.name();
        BuildQuery query = new BuildQuery(owner, state, type, blankToNull(params.get("arch")),
            blankToNull(params.get("release")), SHOWN);
        store.list(query).onFailure(ctx::fail).onSuccess(builds -> {
            Html main = form(caller, params);
            boolean live = builds.stream().anyMatch(b -> !b.state().isFinal());
            main.add("<table id=\"builds\" class=\"builds\" data-live><thead><tr><th>Build</th><th>State</th>")
                .add("<th>Type</th><th>Arch</th><th>Release</th>")
                .add(caller.admin() ? "<th>Owner</th>" : "")
                .add("<th>Submitted</th><th>Last change</th><th>Why</th></tr></thead><tbody>");
            for (Build b : builds) {
                JsonObject spec = b.spec();
                main.add("<tr data-state=\"").text(b.state()).add("\"><td><a href=\"/builds/").text(b.id())
                    .add("\">#").text(b.id()).add("</a></td><td>").add(Show.state(b.state()))
                    .add(b.stage() == null ? "" : " <span class=\"stage\">" + Html.esc(b.stage()) + "</span>")
                    .add("</td><td>").text(spec.getString("type")).add("</td><td>").text(spec.getString("arch"))
                    .add("</td><td>").text(spec.getString("release")).add("</td>");
                if (caller.admin()) {
                    main.add("<td>").text(b.owner()).add("</td>");
                }
                main.add("<td>").add(Show.time(first(b))).add("</td><td>").add(Show.time(last(b)))
                    .add("</td><td class=\"reason\">").text(b.reason()).add("</td></tr>");
            }
            main.add("</tbody></table>");
            if (builds.isEmpty()) {
                main.add("<p id=\"no-builds\">No builds match. <a href=\"/builds/new\">Start one</a>.</p>");
            } else if (builds.size() == SHOWN) {
                main.add("<p class=\"note\">The newest ").text(SHOWN).add(" are shown; filter to see older ones.</p>");
            }
            Layout.send(ctx, 200, "Dashboard", main, live ? REFRESH_MILLIS : 0);
        });
    }

    private static Html form(Caller caller, MultiMap params) {
        Html h = new Html().add("<h1>").text(caller.admin() ? "All builds" : "My builds").add("</h1>")
            .add("<form class=\"filters\" method=\"get\" action=\"/\">");
        h.add("<label>State <select name=\"state\"><option value=\"\">any</option>");
        for (BuildState s : BuildState.values()) {
            option(h, s.name(), params.get("state"));
        }
        h.add("</select></label><label>Type <select name=\"type\"><option value=\"\">any</option>");
        TYPES.forEach(t -> option(h, t, params.get("type")));
        h.add("</select></label>");
        input(h, "Arch", "arch", params.get("arch"), "x86_64");
        input(h, "Release", "release", params.get("release"), "41 or rawhide");
        if (caller.admin()) {
            input(h, "Owner", "owner", params.get("owner"), "user name");
        }
        return h.add("<button type=\"submit\">Filter</button> <a href=\"/\">clear</a></form>");
    }

    private static void option(Html h, String value, String chosen) {
        h.add("<option").add(value.equalsIgnoreCase(chosen == null ? "" : chosen) ? " selected" : "")
            .add(">").text(value).add("</option>");
    }

    private static void input(Html h, String label, String name, String value, String placeholder) {
        h.add("<label>").text(label).add(" <input name=\"").text(name).add("\" value=\"").text(value)
            .add("\" placeholder=\"").text(placeholder).add("\" size=\"10\"></label>");
    }

    private static Instant first(Build b) {
        return b.history().isEmpty() ? null : b.history().get(0).at();
    }

    private static Instant last(Build b) {
        return b.history().isEmpty() ? null : b.history().get(b.history().size() - 1).at();
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
