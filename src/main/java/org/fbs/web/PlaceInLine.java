package org.fbs.web;

import io.vertx.core.json.JsonObject;

/**
 * Where a queued build stands, from the {@code queue} object of its API view: "3rd in line for x86_64/41; 2 workers,
 * both busy", and how long builds of its kind usually wait and take.
 *
 * @param position            1 for the next build to be offered
 * @param typicalWaitSeconds  median wait of recent builds of this kind; null when there were none
 * @param typicalBuildSeconds median build time of recent builds of this kind; null when there were none
 * @param text                the master's own sentence for it (the one {@code fbs status} prints, typical times
 *                            included); null when it sent none, and the page then words it itself
 */
record PlaceInLine(int position, int ahead, String line, int workers, int busy, Long typicalWaitSeconds,
                   Long typicalBuildSeconds, String text) {

    /** Null when the view has no place in line (the build is not waiting, or nobody has worked it out). */
    static PlaceInLine of(JsonObject queue, String line) {
        if (queue == null || queue.getInteger("position") == null) {
            return null;
        }
        int position = queue.getInteger("position");
        return new PlaceInLine(position, queue.getInteger("ahead", Math.max(0, position - 1)), line,
            queue.getInteger("workers", 0), queue.getInteger("busy", 0), queue.getLong("typicalWaitSeconds"),
            queue.getLong("typicalBuildSeconds"), queue.getString("text"));
    }

    String sentence() {
        return text != null ? text : ordinal(position) + " in line for " + line + "; " + workersText();
    }

    /** Whether the page adds how long builds of this kind usually wait and take (the master's text has it). */
    boolean showTypical() {
        return text == null && (typicalWaitSeconds != null || typicalBuildSeconds != null);
    }

    private String workersText() {
        if (workers == 0) {
            return "no worker online";
        }
        String count = workers == 1 ? "1 worker" : workers + " workers";
        if (busy >= workers) {
            return count + (workers == 1 ? ", busy" : workers == 2 ? ", both busy" : ", all busy");
        }
        return count + ", " + (busy == 0 ? "none" : busy) + " busy";
    }

    static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
