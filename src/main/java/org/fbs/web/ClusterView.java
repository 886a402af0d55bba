package org.fbs.web;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.fbs.protocol.WorkerStatus;

/**
 * What the cluster page's template shows: one row per worker.
 *
 * @param notice what went wrong with the caller's last request; null when nothing did
 */
record ClusterView(boolean admin, String notice, List<Row> workers) {

    /**
     * @param lastSeen      when the worker was last heard; null if its text was no instant (then in lastSeenText)
     * @param action        the admin's form action for this worker (drain or undrain)
     * @param freeDiskBytes what the worker says is left on its disks; null when it does not say
     * @param load          its load average; null when it does not say
     * @param declining     why it declines offers now; null when it takes them
     */
    record Row(String worker, String url, List<String> lines, String types, String isolation, int free, int busy, int slots,
               List<Long> running, Instant lastSeen, String lastSeenText, boolean draining, String action,
               Long freeDiskBytes, Double load, String declining) {

        static Row of(JsonObject json) {
            WorkerStatus w = WorkerStatus.fromJson(json);
            String seen = json.getString("lastSeen");
            Instant at = null;
            try {
                at = seen == null ? null : Instant.parse(seen);
            } catch (DateTimeParseException e) {
                // shown as the worker sent it
            }
            String verb = w.draining() ? "undrain" : "drain";
            Object declining = json.getValue("declining");
            return new Row(w.worker(), w.url(), w.addresses().stream().map(Show::address).toList(),
                w.types() == null ? "(not said)" : String.join(", ", w.types()),
                w.isolation() == null ? "none" : w.isolation(), w.free(), w.running().size(),
                w.slots(), w.running(), at, seen, w.draining(), "/cluster/" + urlPart(w.worker()) + "/" + verb,
                json.getLong("freeDiskBytes"), json.getDouble("load"),
                declining instanceof String s ? s : Boolean.TRUE.equals(declining) ? "declining offers" : null);
        }

        /** A worker id as one path segment. */
        private static String urlPart(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        String loadText() {
            return load == null ? "" : String.format(java.util.Locale.ROOT, "%.2f", load);
        }
    }
}
