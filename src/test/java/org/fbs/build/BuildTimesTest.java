package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.BuildBuilder;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durations from a build's history, and the place-in-line sentence: what the pages, mails and CLI say. */
class BuildTimesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static Build queued() {
        return BuildBuilder.queued().spec(new JsonObject().put("type", "boot")).at(T0).id(3).build();
    }

    @Test
    void anEndedBuildHasItsTimeInEachPartQueuedBuiltAndTotalWhateverNowIs() {
        Build done = queued().assigned("w1", null, T0.plusSeconds(190), null)
            .running("side-repo", T0.plusSeconds(192), 1)
            .running("image", T0.plusSeconds(200), 2)
            .running("staging", T0.plusSeconds(3700), 3)
            .finished(BuildState.SUCCEEDED, null, List.of(), T0.plusSeconds(3723), 4);

        BuildTimes times = BuildTimes.of(done, T0.plusSeconds(99_999));

        assertThat(times.parts()).containsExactly(
            java.util.Map.entry("queued", Duration.ofSeconds(190)), java.util.Map.entry("assigned", Duration.ofSeconds(2)),
            java.util.Map.entry("side-repo", Duration.ofSeconds(8)), java.util.Map.entry("image", Duration.ofSeconds(3500)),
            java.util.Map.entry("staging", Duration.ofSeconds(23)));
        assertThat(times.queued()).isEqualTo(Duration.ofSeconds(190));
        assertThat(times.built()).isEqualTo(Duration.ofSeconds(3533));
        assertThat(times.total()).isEqualTo(Duration.ofSeconds(3723));
        assertThat(times.ended()).isTrue();
        assertThat(times.summary()).isEqualTo("1 h 02 min 03 s (queued 3 min 10 s, built 58 min 53 s)");
        JsonObject json = times.toJson();
        assertThat(json.getLong("totalSeconds")).isEqualTo(3723);
        assertThat(json.getJsonArray("parts").getJsonObject(3).encode()).isEqualTo("{\"name\":\"image\",\"seconds\":3500}");
    }

    @Test
    void aRequeuedBuildAddsBothWaitsAndARunningOneCountsUpToNow() {
        Build again = queued().assigned("w1", null, T0.plusSeconds(10), null)
            .running("image", T0.plusSeconds(12), 1)
            .requeued("worker w1 was lost", T0.plusSeconds(100))
            .assigned("w2", null, T0.plusSeconds(130), null)
            .running("image", T0.plusSeconds(131), 1);

        BuildTimes times = BuildTimes.of(again, T0.plusSeconds(200));

        assertThat(times.queued()).isEqualTo(Duration.ofSeconds(40));
        assertThat(times.parts().get("image")).isEqualTo(Duration.ofSeconds(88 + 69));
        assertThat(times.total()).isEqualTo(Duration.ofSeconds(200));
        assertThat(times.ended()).isFalse();
        assertThat(BuildTimes.of(queued(), T0.plusSeconds(42)).summary()).isEqualTo("42 s (queued 42 s)");
    }

    @Test
    void aDurationReadsTheSameInMailsTheCliAndThePages() {
        assertThat(BuildTimes.text(42)).isEqualTo("42 s");
        assertThat(BuildTimes.text(Duration.ofSeconds(243))).isEqualTo("4 min 03 s");
        assertThat(BuildTimes.text(2 * 3600 + 5 * 60 + 9)).isEqualTo("2 h 05 min 09 s");
        // Beyond a day, seconds say nothing.
        assertThat(BuildTimes.text(2 * 86400 + 3 * 3600 + 10 * 60 + 59)).isEqualTo("2 d 03 h 10 min");
        assertThat(BuildTimes.text(-5)).as("a clock that stepped back").isEqualTo("0 s");
    }

    @Test
    void thePlaceInLineSaysWhereItStandsAndWhatTheWorkersDo() {
        assertThat(new QueuePlace(3, 2, 2, 2, "x86_64/41").sentence())
            .isEqualTo("3rd in line for x86_64/41; 2 workers, both busy");
        assertThat(new QueuePlace(1, 0, 0, 0, "aarch64/rawhide").sentence())
            .isEqualTo("1st in line for aarch64/rawhide; no worker online");
        assertThat(new QueuePlace(12, 11, 3, 1, "x86_64/41").sentence())
            .isEqualTo("12th in line for x86_64/41; 3 workers, 1 busy");
        assertThat(new QueuePlace(22, 21, 1, 1, "x86_64/41").withTypical(Duration.ofSeconds(250),
            Duration.ofSeconds(2102), 12).sentence()).isEqualTo("22nd in line for x86_64/41; 1 worker, busy; builds"
            + " like it lately waited 4 min 10 s and took 35 min 02 s (median of 12)");
        QueuePlace place = new QueuePlace(2, 1, 2, 0, "x86_64/41").withTypical(Duration.ofSeconds(5),
            Duration.ofSeconds(60), 3);
        JsonObject json = place.toJson();
        assertThat(json.fieldNames()).contains("position", "ahead", "workers", "busy", "typicalWaitSeconds",
            "typicalBuildSeconds");
        assertThat(QueuePlace.fromJson(json)).isEqualTo(place);
    }
}
