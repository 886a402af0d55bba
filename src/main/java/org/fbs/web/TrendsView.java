package org.fbs.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fbs.build.BuildState;
import org.fbs.build.BuildTimes;
import org.fbs.store.Trends;

/**
 * The trends page's charts, laid out here in SVG user units so that the template only places shapes: builds per
 * day stacked by state, and per image type the median and p90 of the queue wait and of the build time.
 */
record TrendsView(Trends trends, List<DayBar> days, long maxPerDay, List<Tick> ticks, List<TypeBars> types,
                  long maxSeconds) {

    static final int WIDTH = 900;
    static final int HEIGHT = 200;
    static final int DAY_GAP = 2;
    /** Width of the per-type bars' longest bar. */
    static final int TIME_WIDTH = 600;

    /** One state's part of a day's bar. */
    record Segment(String state, int count, long y, long height) {

        String css() {
            return "st-" + state.toLowerCase(Locale.ROOT);
        }
    }

    record DayBar(String date, long x, long width, int total, List<Segment> segments) {
    }

    /** A label under the day axis. */
    record Tick(long x, String text) {
    }

    /** One figure of one type as a horizontal bar. */
    record Bar(String label, Long seconds, long width) {

        String text() {
            return seconds == null ? "no builds" : BuildTimes.text(seconds);
        }
    }

    record TypeBars(Trends.TypeTimes type, List<Bar> bars) {
    }

    static TrendsView of(Trends trends) {
        long max = Math.max(1, trends.days().stream().mapToInt(Trends.Day::total).max().orElse(0));
        int n = Math.max(1, trends.days().size());
        long slot = WIDTH / n;
        List<DayBar> days = new ArrayList<>();
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < trends.days().size(); i++) {
            Trends.Day d = trends.days().get(i);
            long bottom = HEIGHT;
            List<Segment> segments = new ArrayList<>();
            for (BuildState s : BuildState.values()) {
                int count = d.count(s.name());
                if (count > 0) {
                    long h = Math.max(1, count * HEIGHT / max);
                    bottom -= h;
                    segments.add(new Segment(s.name(), count, bottom, h));
                }
            }
            days.add(new DayBar(d.date().toString(), i * slot, slot - DAY_GAP, d.total(), segments));
            if (i % 5 == 0 || i == trends.days().size() - 1) {
                ticks.add(new Tick(i * slot, d.date().toString().substring(5)));
            }
        }
        long maxSeconds = Math.max(1, trends.types().stream()
            .flatMap(t -> java.util.stream.Stream.of(t.waitMedian(), t.waitP90(), t.buildMedian(), t.buildP90()))
            .filter(java.util.Objects::nonNull).mapToLong(Long::longValue).max().orElse(0));
        List<TypeBars> types = trends.types().stream().map(t -> new TypeBars(t, List.of(
            bar("queue wait, median", t.waitMedian(), maxSeconds), bar("queue wait, p90", t.waitP90(), maxSeconds),
            bar("build time, median", t.buildMedian(), maxSeconds), bar("build time, p90", t.buildP90(), maxSeconds))))
            .toList();
        return new TrendsView(trends, days, max, ticks, types, maxSeconds);
    }

    private static Bar bar(String label, Long seconds, long max) {
        return new Bar(label, seconds, seconds == null ? 0 : Math.max(1, seconds * TIME_WIDTH / max));
    }

    /** The states that occur in the window, for the legend. */
    List<String> states() {
        List<String> seen = new ArrayList<>();
        for (BuildState s : BuildState.values()) {
            if (trends.days().stream().anyMatch(d -> d.count(s.name()) > 0)) {
                seen.add(s.name());
            }
        }
        return seen;
    }

    int totalBuilds() {
        return trends.days().stream().mapToInt(Trends.Day::total).sum();
    }
}
