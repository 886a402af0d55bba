package org.fbs.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.BuildBuilder;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trends query against a real SQLite store, with fixed instants: the figures never depend on the clock. */
class BuildStoreTrendsTest {

    private static final Instant NOW = Instant.parse("2026-03-31T15:00:00Z");

    @TempDir
    Path dataDir;

    private BuildStore store;

    @BeforeEach
    void open() throws Exception {
        store = BuildStore.open(dataDir);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    /** A build submitted at {@code at}, waiting {@code waitS} s, then running {@code runS} s and ending {@code end}. */
    private Build built(String type, String at, long waitS, long runS, BuildState end) throws Exception {
        Instant submitted = Instant.parse(at);
        JsonObject spec = new JsonObject().put("type", type).put("arch", "x86_64").put("release", "41");
        Build b = store.insert(BuildBuilder.queued().spec(spec).at(submitted).build());
        if (waitS < 0) {
            return b;
        }
        Instant assigned = submitted.plusSeconds(waitS);
        b = b.assigned("w1", "http://w1/log", assigned, null).running("image", assigned.plusSeconds(1), 1);
        if (end != null) {
            b = b.finished(end, end == BuildState.FAILED ? "lorax failed" : null, List.of(),
                assigned.plusSeconds(runS), 2);
        }
        store.update(b);
        return b;
    }

    @Test
    void countsBuildsPerDayByStateAndTimesThemPerType() throws Exception {
        // boot: waits 10, 20, 30, 40, 100 s; runs 100..500 s.
        built("boot", "2026-03-30T08:00:00Z", 10, 100, BuildState.SUCCEEDED);
        built("boot", "2026-03-30T09:00:00.5Z", 20, 200, BuildState.SUCCEEDED);
        built("boot", "2026-03-30T10:00:00Z", 30, 300, BuildState.FAILED);
        built("boot", "2026-03-31T08:00:00Z", 40, 400, BuildState.SUCCEEDED);
        built("boot", "2026-03-31T09:00:00Z", 100, 500, BuildState.SUCCEEDED);
        // live: one running (waited, no build time yet), one still queued (neither).
        built("live", "2026-03-31T10:00:00Z", 60, 0, null);
        built("live", "2026-03-31T11:00:00Z", -1, 0, null);

        Trends t = store.trends(NOW, 30);

        assertThat(t.from()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(t.days()).hasSize(30);
        assertThat(t.days().get(0).date()).isEqualTo(LocalDate.parse("2026-03-02"));
        Trends.Day yesterday = t.days().get(28);
        assertThat(yesterday.date()).isEqualTo(LocalDate.parse("2026-03-30"));
        assertThat(yesterday.byState()).containsEntry("SUCCEEDED", 2).containsEntry("FAILED", 1).hasSize(2);
        Trends.Day today = t.days().get(29);
        assertThat(today.byState()).containsEntry("SUCCEEDED", 2).containsEntry("RUNNING", 1)
            .containsEntry("QUEUED", 1);
        assertThat(t.days().subList(0, 28)).allMatch(d -> d.total() == 0);

        assertThat(t.types()).extracting(Trends.TypeTimes::type).containsExactly("boot", "live");
        Trends.TypeTimes boot = t.types().get(0);
        assertThat(boot.builds()).isEqualTo(5);
        // Nearest rank: median of 5 is the 3rd value, p90 the 5th.
        assertThat(boot.waitMedian()).isEqualTo(30);
        assertThat(boot.waitP90()).isEqualTo(100);
        assertThat(boot.ended()).isEqualTo(5);
        assertThat(boot.buildMedian()).isEqualTo(300);
        assertThat(boot.buildP90()).isEqualTo(500);
        Trends.TypeTimes live = t.types().get(1);
        assertThat(live.builds()).isEqualTo(2);
        assertThat(live.waited()).isEqualTo(1);
        assertThat(live.waitMedian()).isEqualTo(60);
        assertThat(live.ended()).isZero();
        assertThat(live.buildMedian()).isNull();
        assertThat(live.buildP90()).isNull();
    }

    @Test
    void leavesOutBuildsBeforeTheWindowEvenWithinItsFirstSecond() throws Exception {
        built("boot", "2026-03-01T23:59:59.9Z", 10, 100, BuildState.SUCCEEDED);
        built("boot", "2026-02-10T12:00:00Z", 10, 100, BuildState.SUCCEEDED);
        built("dvd", "2026-03-02T00:00:00.25Z", 5, 50, BuildState.CANCELED);

        Trends t = store.trends(NOW, 30);

        assertThat(t.types()).extracting(Trends.TypeTimes::type).containsExactly("dvd");
        assertThat(t.days().get(0).byState()).containsExactly(java.util.Map.entry("CANCELED", 1));
        assertThat(t.days().stream().mapToInt(Trends.Day::total).sum()).isEqualTo(1);
    }

    @Test
    void answersTheSameFiguresAsJson() throws Exception {
        built("boot", "2026-03-31T08:00:00Z", 40, 400, BuildState.SUCCEEDED);

        JsonObject json = store.trends(NOW, 2).toJson();

        assertThat(json.getString("from")).isEqualTo("2026-03-30T00:00:00Z");
        assertThat(json.getJsonArray("days")).hasSize(2);
        assertThat(json.getJsonArray("days").getJsonObject(1).getJsonObject("byState").getInteger("SUCCEEDED"))
            .isEqualTo(1);
        JsonObject boot = json.getJsonArray("types").getJsonObject(0);
        assertThat(boot.getJsonObject("queueWaitSeconds").getLong("median")).isEqualTo(40);
        assertThat(boot.getJsonObject("buildSeconds").getLong("p90")).isEqualTo(400);
    }
}
