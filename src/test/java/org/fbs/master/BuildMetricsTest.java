package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.BuildBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.junit.jupiter.api.Test;

/** The build figures follow a build through its states. */
class BuildMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final BuildMetrics metrics = new BuildMetrics(registry);
    final JsonObject spec = new JsonObject().put("type", "boot").put("arch", "aarch64").put("release", "rawhide");
    final Instant t0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void aBuildMovesFromGaugeToGaugeAndEndsAsACountAndADuration() {
        Build queued = BuildBuilder.queued().spec(spec).address("build.aarch64.rawhide").at(t0).id(7).build();
        metrics.stored(queued);
        assertThat(builds("QUEUED")).isEqualTo(1);

        Build assigned = queued.assigned("w1", "http://w1/log/7", t0.plusSeconds(3), null);
        metrics.stored(assigned);
        assertThat(builds("QUEUED")).isZero();
        assertThat(builds("ASSIGNED")).isEqualTo(1);
        assertThat(registry.get("fbs_queue_wait").tag("arch", "aarch64").timer().totalTime(
            TimeUnit.SECONDS)).isEqualTo(3.0);

        Build running = assigned.running("image", t0.plusSeconds(4), 1);
        metrics.stored(running);
        metrics.stored(running.running("staging", t0.plusSeconds(60), 2));
        assertThat(builds("RUNNING")).isEqualTo(1);

        metrics.stored(running.finished(BuildState.SUCCEEDED, null, List.of(), t0.plusSeconds(124), 3));
        assertThat(builds("RUNNING")).isZero();
        assertThat(registry.get("fbs_builds_finished").tag("state", "SUCCEEDED").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("fbs_build_duration").tag("state", "SUCCEEDED").timer()
            .totalTime(TimeUnit.SECONDS)).isEqualTo(120.0);
    }

    @Test
    void aBuildCanceledWhileQueuedCountsButHasNoDuration() {
        Build queued = BuildBuilder.queued().spec(spec).address("build.aarch64.rawhide").at(t0).id(8).build();
        metrics.stored(queued);
        metrics.stored(queued.finished(BuildState.CANCELED, "canceled", List.of(), t0.plusSeconds(5), 0));

        assertThat(builds("QUEUED")).isZero();
        assertThat(registry.get("fbs_builds_finished").tag("state", "CANCELED").counter().count()).isEqualTo(1.0);
        assertThat(registry.find("fbs_build_duration").timer()).isNull();
    }

    @Test
    void offerLatencyIsRecorded() {
        metrics.offerAccepted(Duration.ofMillis(4));

        assertThat(registry.get("fbs_dispatch_latency").timer().count()).isEqualTo(1);
    }

    private double builds(String state) {
        return registry.get("fbs_builds").tag("state", state).tag("release", "rawhide").gauge().value();
    }
}
