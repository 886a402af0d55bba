package org.fbs.master;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.Transition;

/**
 * The build figures on {@code /metrics}, fed by the {@link Dispatcher} each time it stores a build:
 * {@code fbs_builds} (builds now queued, assigned or running), {@code fbs_builds_finished_total},
 * {@code fbs_build_duration_seconds} (first RUNNING to the end), {@code fbs_queue_wait_seconds} (QUEUED to
 * ASSIGNED) and {@code fbs_dispatch_latency_seconds} (an offer sent to its acceptance). Each is tagged with the
 * build's arch, release and type, so an operator sees which queue is slow. Event-loop only: not thread-safe.
 */
final class BuildMetrics {

    private final MeterRegistry registry;
    /** What each unfinished build was counted as, so a change moves it from one gauge to another. */
    private final Map<Long, Tags> counted = new HashMap<>();
    private final Map<Tags, AtomicInteger> gauges = new HashMap<>();
    private final Timer dispatch;

    BuildMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.dispatch = Timer.builder("fbs_dispatch_latency")
            .description("from a job offer sent to a worker's acceptance")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    }

    /** Called after each stored change of a build. */
    void stored(Build build) {
        Tags where = where(build.spec());
        Tags before = counted.remove(build.id());
        if (before != null) {
            gauge(before).decrementAndGet();
        }
        if (build.state().isFinal()) {
            finished(build, where);
            return;
        }
        Tags now = where.and("state", build.state().name());
        gauge(now).incrementAndGet();
        counted.put(build.id(), now);
        if (build.state() == BuildState.ASSIGNED && (before == null || !before.equals(now))) {
            between(build, BuildState.QUEUED, BuildState.ASSIGNED).ifPresent(wait ->
                Timer.builder("fbs_queue_wait").description("from a build queued to a worker taking it")
                    .tags(where).register(registry).record(wait));
        }
    }

    void offerAccepted(Duration latency) {
        dispatch.record(latency);
    }

    private void finished(Build build, Tags where) {
        Tags ended = where.and("state", build.state().name());
        Counter.builder("fbs_builds_finished").description("builds that reached a final state")
            .tags(ended).register(registry).increment();
        between(build, BuildState.RUNNING, build.state()).ifPresent(took ->
            Timer.builder("fbs_build_duration").description("from a build's start on a worker to its end")
                .tags(ended).register(registry).record(took));
    }

    private AtomicInteger gauge(Tags tags) {
        return gauges.computeIfAbsent(tags, t -> {
            AtomicInteger count = new AtomicInteger();
            Gauge.builder("fbs_builds", count, AtomicInteger::get)
                .description("builds not yet finished, by state").tags(t).register(registry);
            return count;
        });
    }

    /** The time from the first transition into {@code from} to the last one into {@code to}, if both happened. */
    private static Optional<Duration> between(Build build, BuildState from, BuildState to) {
        Instant start = null;
        Instant end = null;
        for (Transition t : build.history()) {
            if (t.state() == from && start == null) {
                start = t.at();
            }
            if (t.state() == to) {
                end = t.at();
            }
        }
        return start == null || end == null || end.isBefore(start)
            ? Optional.empty() : Optional.of(Duration.between(start, end));
    }

    private static Tags where(JsonObject spec) {
        return Tags.of("arch", spec.getString("arch", "unknown"), "release", spec.getString("release", "unknown"),
            "type", spec.getString("type", "unknown"));
    }
}
