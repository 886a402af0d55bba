package org.fbs.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fbs.build.Build;
import org.fbs.build.BuildTimes;
import org.fbs.build.Stage;

/**
 * A build's times as its page's stage bar shows them: every part of its way in order (in line, on a worker before
 * its first stage, each stage), those never entered with 0. The times themselves are {@link BuildTimes}'.
 *
 * @param parts the parts in their order, each with its seconds
 * @param total seconds from submission to the end (or to now): the parts' sum
 */
record StageTimes(List<Part> parts, long total) {

    static final String QUEUED = "queued";
    static final String ON_WORKER = "on a worker";

    record Part(String label, long seconds) {

        /** A name for CSS classes and element ids: {@code on-a-worker}. */
        String key() {
            return label.replace(' ', '-');
        }
    }

    static StageTimes of(Build build, Instant now) {
        Map<String, Long> seconds = new LinkedHashMap<>();
        seconds.put(QUEUED, 0L);
        seconds.put(ON_WORKER, 0L);
        for (Stage stage : Stage.values()) {
            seconds.put(stage.label(), 0L);
        }
        BuildTimes.of(build, now).parts().forEach((name, spent) -> {
            // Given to a worker, or in a stage this page does not know: on a worker.
            String part = name.equals(BuildTimes.QUEUED) ? QUEUED
                : !name.equals(BuildTimes.ASSIGNED) && seconds.containsKey(name) ? name : ON_WORKER;
            seconds.merge(part, spent.toSeconds(), Long::sum);
        });
        List<Part> parts = new ArrayList<>();
        seconds.forEach((label, s) -> parts.add(new Part(label, s)));
        return new StageTimes(parts, parts.stream().mapToLong(Part::seconds).sum());
    }

    /** The parts that took any time, for the bar. */
    List<Part> shown() {
        return parts.stream().filter(p -> p.seconds() > 0).toList();
    }

    /** Where a part starts on a bar of {@code width} units. */
    long x(Part part, long width) {
        long before = 0;
        for (Part p : shown()) {
            if (p.equals(part)) {
                break;
            }
            before += p.seconds();
        }
        return total == 0 ? 0 : before * width / total;
    }

    /** How wide a part is on a bar of {@code width} units (at least 1, so that a short part still shows). */
    long width(Part part, long width) {
        return total == 0 ? 0 : Math.max(1, part.seconds() * width / total);
    }
}
