package org.fbs.build;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long a build spent in each part of its life, from its history: waiting in the queue, given to a worker before
 * its first stage, and each stage. A build queued again after losing its worker adds to the same parts. The part a
 * build is in now counts up to {@code now}; an ended build's parts end at its end.
 *
 * @param parts  seconds per part, in the order of a build's life: {@code queued}, {@code assigned}, then the stages
 *               ({@code side-repo}, {@code image}, {@code staging}); only the parts it reached
 * @param queued all the time it waited in the queue
 * @param built  from the first time a worker took it to its end (or now): total less queued
 * @param total  from its submission to its end (or now)
 * @param ended  whether it has ended (the figures no longer grow)
 */
public record BuildTimes(Map<String, Duration> parts, Duration queued, Duration built, Duration total,
                         boolean ended) {

    public static final String QUEUED = "queued";
    public static final String ASSIGNED = "assigned";

    public BuildTimes {
        parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    public static BuildTimes of(Build build, Instant now) {
        return of(build.history(), now);
    }

    public static BuildTimes of(List<Transition> history, Instant now) {
        Map<String, Duration> parts = new LinkedHashMap<>();
        if (history.isEmpty()) {
            return new BuildTimes(parts, Duration.ZERO, Duration.ZERO, Duration.ZERO, false);
        }
        Transition last = history.get(history.size() - 1);
        boolean ended = last.state().isFinal();
        Instant end = ended ? last.at() : now;
        for (int i = 0; i < history.size(); i++) {
            Transition t = history.get(i);
            if (t.state().isFinal()) {
                break;
            }
            Instant until = i + 1 < history.size() ? history.get(i + 1).at() : end;
            // A clock that stepped back must not make a part negative.
            Duration spent = Duration.between(t.at(), until);
            parts.merge(partOf(t), spent.isNegative() ? Duration.ZERO : spent, Duration::plus);
        }
        Duration total = Duration.between(history.get(0).at(), end);
        total = total.isNegative() ? Duration.ZERO : total;
        Duration queued = parts.getOrDefault(QUEUED, Duration.ZERO);
        Duration built = total.minus(queued);
        return new BuildTimes(parts, queued, built.isNegative() ? Duration.ZERO : built, total, ended);
    }

    private static String partOf(Transition t) {
        return switch (t.state()) {
            case QUEUED -> QUEUED;
            case ASSIGNED -> ASSIGNED;
            default -> t.stage() == null ? ASSIGNED : t.stage();
        };
    }

    /** Whether a worker ever took it (built time means something). */
    public boolean started() {
        return parts.keySet().stream().anyMatch(p -> !p.equals(QUEUED));
    }

    /**
     * {@code {"parts": [{"name": "queued", "seconds": 12}, ...], "queuedSeconds", "builtSeconds", "totalSeconds",
     * "ended"}}: what the build page's stage bar and the API show.
     */
    public JsonObject toJson() {
        JsonArray list = new JsonArray();
        parts.forEach((name, d) -> list.add(new JsonObject().put("name", name).put("seconds", d.toSeconds())));
        return new JsonObject().put("parts", list).put("queuedSeconds", queued.toSeconds())
            .put("builtSeconds", built.toSeconds()).put("totalSeconds", total.toSeconds()).put("ended", ended);
    }

    /**
     * "12 s", "4 min 03 s", "2 h 05 min 09 s", "2 d 03 h 10 min": how a person reads a duration, in mails, the CLI
     * and the web pages alike.
     */
    public static String text(Duration d) {
        return text(d.toSeconds());
    }

    /** {@link #text(Duration)} of {@code seconds}. */
    public static String text(long seconds) {
        long s = Math.max(0, seconds);
        if (s >= 86400) {
            return String.format(Locale.ROOT, "%d d %02d h %02d min", s / 86400, s / 3600 % 24, s / 60 % 60);
        }
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d h %02d min %02d s", s / 3600, s / 60 % 60, s % 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return s + " s";
    }

    /** "took 1 h 02 min 00 s (queued 3 min 10 s, built 58 min 50 s)"-style summary parts, for mails and the CLI. */
    public String summary() {
        StringBuilder out = new StringBuilder(text(total)).append(" (queued ").append(text(queued));
        if (started()) {
            out.append(", built ").append(text(built));
        }
        return out.append(')').toString();
    }
}
