package org.fbs.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.Stage;
import org.fbs.build.Transition;

/**
 * How long a build spent in each part of its way (in line, given to a worker, each stage), from its history: each
 * transition's time runs until the next one, and the last one's until now while the build has not ended. A build
 * that went back in line adds to the same parts again.
 *
 * @param parts the parts in their order, each with its seconds (parts never entered have 0)
 * @param total seconds from submission to the end (or to now)
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
        List<Transition> history = build.history();
        for (int i = 0; i < history.size(); i++) {
            Transition t = history.get(i);
            if (t.state().isFinal()) {
                break;
            }
            Instant end = i + 1 < history.size() ? history.get(i + 1).at() : build.state().isFinal() ? t.at() : now;
            long s = Math.max(0, Duration.between(t.at(), end).toSeconds());
            String part = t.state() == BuildState.QUEUED ? QUEUED
                : t.state() == BuildState.RUNNING && t.stage() != null && seconds.containsKey(t.stage()) ? t.stage()
                : ON_WORKER;
            seconds.merge(part, s, Long::sum);
        }
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

    /** A duration as people read it: {@code 42 s}, {@code 3 min 05 s}, {@code 1 h 02 min}, {@code 2 d 3 h}. */
    static String text(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(java.util.Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format(java.util.Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(java.util.Locale.ROOT, "%d d %d h", seconds / 86400, seconds % 86400 / 3600);
    }
}
