package org.fbs.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.BuildBuilder;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.store.Trends;
import org.junit.jupiter.api.Test;

/**
 * The compiled templates rendered straight from their models, with fixed instants: the stage bar's geometry, the
 * durations, the place in line, the trends charts, and that values from outside stay text.
 */
class PageTemplatesTest {

    static final Instant T = Instant.parse("2026-03-31T10:00:00Z");
    static final String SCRIPT = "<script>alert(1)</script>";
    static final Frame FRAME = new Frame("Build 7", "alice", false, true, false, "csrf-token", 0);

    static Build queued(String product) {
        JsonObject spec = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
            .put("boot", new JsonObject().put("product", product));
        return BuildBuilder.queued().spec(spec).at(T).id(7).build();
    }

    /** Queued 60 s, on a worker 30 s, side-repo 60 s, image 600 s, staging 60 s: 810 s in all. */
    static Build succeeded() {
        return queued("Fedora").assigned("w1", "http://w1/log/7", T.plusSeconds(60), null)
            .running("side-repo", T.plusSeconds(90), 1).running("image", T.plusSeconds(150), 2)
            .running("staging", T.plusSeconds(750), 3)
            .finished(BuildState.SUCCEEDED, null, List.of(), T.plusSeconds(810), 4);
    }

    static String buildPage(BuildPageView view) {
        return Templates.page("build.jte", FRAME, view);
    }

    @Test
    void theStageBarDrawsEachStageInProportionAndSaysTheTotal() {
        String page = buildPage(BuildPageView.of(succeeded(), T.plusSeconds(99_999)));

        // 1000 units for 810 s: each part starts where the one before ends.
        assertThat(page).contains("id=\"stage-bar\"",
            "data-stage=\"queued\" x=\"0\" y=\"0\" width=\"74\"",
            "data-stage=\"on a worker\" x=\"74\" y=\"0\" width=\"37\"",
            "data-stage=\"side-repo\" x=\"111\" y=\"0\" width=\"74\"",
            "data-stage=\"image\" x=\"185\" y=\"0\" width=\"740\"",
            "data-stage=\"staging\" x=\"925\" y=\"0\" width=\"74\"",
            "image <strong>10 min 00 s</strong>", "queued <strong>1 min 00 s</strong>",
            "<strong id=\"total-time\">13 min 30 s</strong>")
            // An ended build's total does not grow with the clock.
            .doesNotContain("so far", "style=");
    }

    @Test
    void aBuildThatRunsCountsUntilNowAndOneRequeuedAddsToItsWait() {
        Build running = queued("Fedora").assigned("w1", "http://w1/log/7", T.plusSeconds(30), null)
            .requeued("worker w1 was lost", T.plusSeconds(40))
            .assigned("w2", "http://w2/log/7", T.plusSeconds(100), null)
            .running("image", T.plusSeconds(110), 1);

        StageTimes times = StageTimes.of(running, T.plusSeconds(3710));

        assertThat(times.parts()).containsExactly(new StageTimes.Part("queued", 90),
            new StageTimes.Part("on a worker", 20), new StageTimes.Part("side-repo", 0),
            new StageTimes.Part("image", 3600), new StageTimes.Part("staging", 0));
        assertThat(times.total()).isEqualTo(3710);
        String page = buildPage(BuildPageView.of(running, T.plusSeconds(3710)));
        assertThat(page).contains("<strong id=\"total-time\">1 h 01 min 50 s</strong> <small>so far</small>")
            // Parts that took no time are in the legend but not on the bar.
            .contains("data-stage=\"staging\"><span").doesNotContain("data-stage=\"staging\" x=");
    }

    @Test
    void aQueuedBuildSaysWhereItStandsInLine() {
        PlaceInLine place = PlaceInLine.of(new JsonObject().put("position", 3).put("ahead", 2).put("workers", 2)
            .put("busy", 2).put("typicalWaitSeconds", 300).put("typicalBuildSeconds", 1500), "x86_64/41");
        assertThat(place.sentence()).isEqualTo("3rd in line for x86_64/41; 2 workers, both busy");
        assertThat(PlaceInLine.of(new JsonObject().put("position", 1).put("workers", 0), "aarch64/rawhide")
            .sentence()).isEqualTo("1st in line for aarch64/rawhide; no worker online");
        assertThat(PlaceInLine.of(new JsonObject().put("position", 12).put("workers", 3).put("busy", 1), "a/b")
            .sentence()).isEqualTo("12th in line for a/b; 3 workers, 1 busy");
        assertThat(PlaceInLine.of(new JsonObject(), "a/b")).isNull();
        // The master's own sentence (as fbs status prints it) wins, typical times and all.
        PlaceInLine worded = PlaceInLine.of(new JsonObject().put("position", 2).put("workers", 1).put("busy", 1)
            .put("typicalWaitSeconds", 60).put("text", "2nd in line for x86_64/41; 1 worker, busy; builds like it"
                + " lately waited 1 min 00 s and took 5 min 00 s (median of 3)"), "x86_64/41");
        assertThat(worded.sentence()).endsWith("(median of 3)");
        assertThat(worded.showTypical()).isFalse();

        BuildPageView plain = BuildPageView.of(queued("Fedora"), T.plusSeconds(5));
        BuildPageView view = new BuildPageView(plain.build(), plain.type(), plain.arch(), plain.release(),
            plain.steps(), plain.passed(), plain.times(), place, plain.artifacts(), plain.spec(), plain.kickstart(),
            plain.logSrc(), plain.mails());
        assertThat(buildPage(view)).contains("<p class=\"place\" id=\"place-in-line\">3rd in line for x86_64/41;"
            + " 2 workers, both busy<br><small id=\"typical\">Builds of this kind usually wait 5 min 00 s and take"
            + " 25 min 00 s.</small></p>");
        assertThat(buildPage(plain)).doesNotContain("place-in-line");
    }

    @Test
    void valuesFromOutsideStayText() {
        Build b = queued(SCRIPT).waiting(SCRIPT);
        String page = buildPage(BuildPageView.of(b, T));

        assertThat(page).doesNotContain(SCRIPT).contains("<p class=\"reason\" id=\"reason\">&lt;script&gt;alert(1)"
            + "&lt;/script&gt;</p>", "<tr><th>boot.product</th><td>&lt;script&gt;");
        String dashboard = Templates.page("dashboard.jte", FRAME, new DashboardView(true,
            DashboardView.Filter.of(MultiMap.caseInsensitiveMultiMap().add("arch", "\"><img src=x>")),
            List.of(DashboardView.Row.of(b, T.plusSeconds(125))), null, 200));
        // In an attribute the quote is escaped too: the value cannot end the attribute.
        assertThat(dashboard).doesNotContain("<img", SCRIPT)
            .contains("name=\"arch\" value=\"&#34;>&lt;img src=x>\"", "<td class=\"duration\">2 min 05 s</td>");
    }

    @Test
    void theDashboardSaysHowLongEachBuildTook() {
        DashboardView.Row row = DashboardView.Row.of(succeeded(), T.plusSeconds(99_999));
        assertThat(row.duration()).isEqualTo("13 min 30 s");
    }

    @Test
    void theTrendsPageDrawsDaysStackedByStateAndTheTimesPerType() {
        Trends trends = new Trends(Instant.parse("2026-03-30T00:00:00Z"), T, List.of(
            new Trends.Day(LocalDate.parse("2026-03-30"), Map.of("SUCCEEDED", 3, "FAILED", 1)),
            new Trends.Day(LocalDate.parse("2026-03-31"), Map.of("QUEUED", 2))),
            List.of(new Trends.TypeTimes("boot", 6, 4, 30L, 100L, 4, 300L, 600L),
                new Trends.TypeTimes("live", 1, 0, null, null, 0, null, null)));

        String page = Templates.page("trends.jte", FRAME, TrendsView.of(trends));

        // 4 builds is the tallest day: 200 units high; two days share 900 units.
        assertThat(page).contains("id=\"per-day\"", "<strong id=\"total-builds\">6</strong>",
            "<g class=\"day\" data-date=\"2026-03-30\" data-total=\"4\">",
            "<rect class=\"st-succeeded\" data-state=\"SUCCEEDED\" x=\"0\" y=\"50\" width=\"448\" height=\"150\">",
            "<rect class=\"st-failed\" data-state=\"FAILED\" x=\"0\" y=\"0\" width=\"448\" height=\"50\">",
            "<rect class=\"st-queued\" data-state=\"QUEUED\" x=\"450\" y=\"100\" width=\"448\" height=\"100\">",
            "<tr data-type=\"boot\"><td>boot</td><td>6</td><td>30 s</td><td>1 min 40 s</td><td>5 min 00 s</td>"
                + "<td>10 min 00 s</td></tr>",
            "<td>live</td><td>1</td><td>no builds</td>", "id=\"times-boot\"",
            // The longest figure (600 s) is the full 600 units.
            "width=\"600\" height=\"18\"><title>build time, p90: 10 min 00 s</title>")
            .contains("href=\"/trends\">Trends</a>");
    }

    @Test
    void theClusterPageShowsEachWorkersFreeDiskLoadAndWhyItDeclines() {
        JsonObject full = new JsonObject().put("worker", "w1").put("url", "http://w1:5001")
            .put("addresses", new io.vertx.core.json.JsonArray().add("build.x86_64.41")).put("slots", 1)
            .put("running", new io.vertx.core.json.JsonArray()).put("draining", false)
            .put("freeDiskBytes", 5L * 1024 * 1024 * 1024).put("load", 3.5)
            .put("declining", "free disk 5.0 GiB is below worker.min-free-disk 20 GiB " + SCRIPT)
            .put("lastSeen", T.toString());
        JsonObject quiet = new JsonObject().put("worker", "w2").put("url", "http://w2:5001")
            .put("addresses", new io.vertx.core.json.JsonArray()).put("slots", 1)
            .put("running", new io.vertx.core.json.JsonArray()).put("draining", false);

        String page = Templates.page("cluster.jte", FRAME, new ClusterView(true, null,
            List.of(ClusterView.Row.of(full), ClusterView.Row.of(quiet))));

        assertThat(page).contains("<td class=\"disk\"><span title=\"5368709120 bytes\">5.0 GiB</span></td>",
            "<td class=\"load\">3.50</td>", "<span class=\"state state-declining\">declining</span>",
            "below worker.min-free-disk 20 GiB &lt;script&gt;", "<td class=\"disk\"></td><td class=\"load\"></td>",
            "action=\"/cluster/w1/drain\"", "name=\"X-XSRF-TOKEN\" value=\"csrf-token\"")
            .doesNotContain(SCRIPT);
    }
}
