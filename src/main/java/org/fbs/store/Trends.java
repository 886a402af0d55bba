package org.fbs.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * How the service has been doing over a window of days: builds submitted per day by the state they are in now, and
 * per image type how long builds waited in line and how long they took on a worker (median and 90th percentile, in
 * seconds; null when no build of the window had that figure).
 *
 * @param from the first instant of the window (a day's start, UTC)
 * @param to   the instant the figures were taken
 */
public record Trends(Instant from, Instant to, List<Day> days, List<TypeTimes> types) {

    public Trends {
        days = List.copyOf(days);
        types = List.copyOf(types);
    }

    /** One UTC day: how many of the builds submitted on it are in each state now (states with none left out). */
    public record Day(LocalDate date, Map<String, Integer> byState) {

        public Day {
            byState = Map.copyOf(byState);
        }

        public int total() {
            return byState.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int count(String state) {
            return byState.getOrDefault(state, 0);
        }
    }

    /**
     * @param builds how many builds of this type were submitted in the window
     * @param waited how many of them reached a worker (the wait figures are over these)
     * @param ended  how many of them ended after reaching a worker (the build-time figures are over these)
     */
    public record TypeTimes(String type, int builds, int waited, Long waitMedian, Long waitP90, int ended,
                            Long buildMedian, Long buildP90) {
    }

    public JsonObject toJson() {
        JsonArray dayList = new JsonArray();
        for (Day d : days) {
            JsonObject states = new JsonObject();
            d.byState().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> states.put(e.getKey(), e.getValue()));
            dayList.add(new JsonObject().put("date", d.date().toString()).put("total", d.total())
                .put("byState", states));
        }
        JsonArray typeList = new JsonArray();
        for (TypeTimes t : types) {
            typeList.add(new JsonObject().put("type", t.type()).put("builds", t.builds())
                .put("queueWaitSeconds", new JsonObject().put("count", t.waited()).put("median", t.waitMedian())
                    .put("p90", t.waitP90()))
                .put("buildSeconds", new JsonObject().put("count", t.ended()).put("median", t.buildMedian())
                    .put("p90", t.buildP90())));
        }
        return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("days", dayList)
            .put("types", typeList);
    }
}
