package org.fbs.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.Transition;

/** Works out {@link Trends} from the builds of a window; plain Java, so that its rules have their own tests. */
final class TrendFigures {

    private TrendFigures() {
    }

    /** The first instant of a window of {@code days} UTC days that ends with the day of {@code now}. */
    static Instant windowStart(Instant now, int days) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** @param builds builds submitted at or after the window's start (others are left out) */
    static Trends of(List<Build> builds, Instant now, int days) {
        Instant from = windowStart(now, days);
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        List<Map<String, Integer>> perDay = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            perDay.add(new HashMap<>());
        }
        Map<String, List<Long>> waits = new TreeMap<>();
        Map<String, List<Long>> runs = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Build b : builds) {
            if (b.history().isEmpty()) {
                continue;
            }
            Instant submitted = b.history().get(0).at();
            if (submitted.isBefore(from) || submitted.isAfter(now)) {
                continue;
            }
            int day = (int) (LocalDate.ofInstant(submitted, ZoneOffset.UTC).toEpochDay() - first.toEpochDay());
            perDay.get(day).merge(b.state().name(), 1, Integer::sum);
            String type = b.spec().getString("type", "unknown");
            counts.merge(type, 1, Integer::sum);
            Instant assigned = firstAssigned(b);
            if (assigned != null) {
                waits.computeIfAbsent(type, t -> new ArrayList<>()).add(seconds(submitted, assigned));
                if (b.state().isFinal()) {
                    Instant end = b.history().get(b.history().size() - 1).at();
                    runs.computeIfAbsent(type, t -> new ArrayList<>()).add(seconds(assigned, end));
                }
            }
        }
        List<Trends.Day> dayList = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            dayList.add(new Trends.Day(first.plusDays(i), perDay.get(i)));
        }
        List<Trends.TypeTimes> types = new ArrayList<>();
        counts.forEach((type, n) -> {
            List<Long> w = waits.getOrDefault(type, List.of());
            List<Long> r = runs.getOrDefault(type, List.of());
            types.add(new Trends.TypeTimes(type, n, w.size(), percentile(w, 50), percentile(w, 90), r.size(),
                percentile(r, 50), percentile(r, 90)));
        });
        return new Trends(from, now, dayList, types);
    }

    /** When the build first left the line: its first transition out of QUEUED; null if it never did. */
    private static Instant firstAssigned(Build b) {
        for (Transition t : b.history()) {
            if (t.state() == BuildState.ASSIGNED || t.state() == BuildState.RUNNING) {
                return t.at();
            }
        }
        return null;
    }

    private static long seconds(Instant a, Instant b) {
        return Math.max(0, Duration.between(a, b).toSeconds());
    }

    /** Nearest-rank percentile (the smallest value with at least p% of the values at or below it); null if none. */
    static Long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }
}
