package org.fbs.build;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Where a queued build stands: its place in line for its arch and release, the workers that build for them, and how
 * long builds of its kind usually wait and take (the median of recent ones; null when none ended lately).
 *
 * @param position    1 for the next build to be offered
 * @param ahead       the builds queued before it for the same arch and release
 * @param workers     the workers online for that arch and release
 * @param busy        those of them with no free slot (running their fill, or draining)
 * @param target      {@code x86_64/41}
 * @param typicalWait the median time recent builds of its kind waited in the queue
 * @param typicalBuild the median time they took from a worker taking them to their end
 * @param typicalOf   how many recent builds the medians are of
 */
public record QueuePlace(int position, int ahead, int workers, int busy, String target, Duration typicalWait,
                         Duration typicalBuild, int typicalOf) {

    /** A place without the typical times (what the dispatcher knows). */
    public QueuePlace(int position, int ahead, int workers, int busy, String target) {
        this(position, ahead, workers, busy, target, null, null, 0);
    }

    public QueuePlace withTypical(Duration wait, Duration build, int of) {
        return new QueuePlace(position, ahead, workers, busy, target, wait, build, of);
    }

    /** The {@code queue} object of a queued build in the API. */
    public JsonObject toJson() {
        return new JsonObject().put("position", position).put("ahead", ahead).put("workers", workers)
            .put("busy", busy).put("target", target)
            .put("typicalWaitSeconds", typicalWait == null ? null : typicalWait.toSeconds())
            .put("typicalBuildSeconds", typicalBuild == null ? null : typicalBuild.toSeconds())
            .put("typicalOf", typicalOf)
            .put("text", sentence());
    }

    public static QueuePlace fromJson(JsonObject json) {
        Long wait = json.getLong("typicalWaitSeconds");
        Long build = json.getLong("typicalBuildSeconds");
        return new QueuePlace(json.getInteger("position", 0), json.getInteger("ahead", 0),
            json.getInteger("workers", 0), json.getInteger("busy", 0), json.getString("target", "?"),
            wait == null ? null : Duration.ofSeconds(wait), build == null ? null : Duration.ofSeconds(build),
            json.getInteger("typicalOf", 0));
    }

    /**
     * "3rd in line for x86_64/41; 2 workers, both busy; builds like it lately waited 4 min 10 s and took 35 min 02 s
     * (median of 12)".
     */
    public String sentence() {
        StringBuilder out = new StringBuilder(ordinal(position)).append(" in line for ").append(target).append("; ")
            .append(workersText());
        if (typicalWait != null && typicalBuild != null) {
            out.append("; builds like it lately waited ").append(BuildTimes.text(typicalWait)).append(" and took ")
                .append(BuildTimes.text(typicalBuild)).append(" (median of ").append(typicalOf).append(')');
        }
        return out.toString();
    }

    private String workersText() {
        if (workers == 0) {
            return "no worker online";
        }
        if (workers == 1) {
            return busy > 0 ? "1 worker, busy" : "1 worker, free";
        }
        String all = workers == 2 ? "both" : "all";
        return workers + " workers, " + (busy >= workers ? all + " busy" : busy == 0 ? "none busy" : busy + " busy");
    }

    /** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st... */
    static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th"
            : switch (n % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
        return n + suffix;
    }
}
