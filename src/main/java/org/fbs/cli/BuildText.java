package org.fbs.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fbs.build.BuildState;
import org.fbs.build.BuildTimes;
import org.fbs.build.QueuePlace;

/** Builds and workers as the client commands print them. */
final class BuildText {

    /** The states of a build that has not ended. */
    static final List<String> ACTIVE = Arrays.stream(BuildState.values()).filter(s -> !s.isFinal())
        .map(BuildState::name).toList();

    private BuildText() {
    }

    static boolean isFinal(JsonObject build) {
        return BuildState.valueOf(build.getString("state")).isFinal();
    }

    /** {@code boot x86_64/41}. */
    static String image(JsonObject build) {
        JsonObject spec = build.getJsonObject("spec", new JsonObject());
        return spec.getString("type", "?") + " " + spec.getValue("arch", "?") + "/" + spec.getValue("release", "?");
    }

    /** When it was submitted: its first history entry, to the second. */
    static String submitted(JsonObject build) {
        JsonArray history = build.getJsonArray("history", new JsonArray());
        return history.isEmpty() ? null : seconds(history.getJsonObject(0).getString("at"));
    }

    /** {@code RUNNING (image)}, or the state alone. */
    static String state(JsonObject build) {
        String stage = build.getString("stage");
        return build.getString("state") + (stage == null ? "" : " (" + stage + ")");
    }

    /** What {@code fbs status ID} prints. */
    static String details(JsonObject build) {
        StringBuilder out = new StringBuilder();
        out.append("build ").append(build.getLong("id")).append(": ").append(state(build)).append('\n');
        field(out, "image", image(build));
        field(out, "owner", build.getString("owner"));
        field(out, "submitted", submitted(build));
        field(out, "worker", build.getString("worker"));
        // The command, not the worker's address: the log is read through the master, and users may not reach workers.
        if (build.getString("logUrl") != null) {
            field(out, "log", "fbs logs " + build.getLong("id") + (isFinal(build) ? "" : " --follow"));
        }
        field(out, "reason", build.getString("reason"));
        JsonObject queue = build.getJsonObject("queue");
        if (queue != null) {
            field(out, "in line", QueuePlace.fromJson(queue).sentence());
        }
        field(out, "took", took(build.getJsonObject("durations")));
        if (build.getInteger("attempt", 0) > 1) {
            field(out, "attempt", String.valueOf(build.getInteger("attempt")));
        }
        JsonArray extra = build.getJsonArray("extraPackages", new JsonArray());
        if (!extra.isEmpty()) {
            List<String> nvras = new ArrayList<>();
            extra.forEach(p -> nvras.add(((JsonObject) p).getString("nvra")));
            field(out, "packages", String.join(", ", nvras));
        }
        out.append(artifacts(build));
        return out.toString();
    }

    /**
     * "1 h 02 min 03 s (queued 1 s, built 1 h 02 min 02 s)", with "so far" while the build has not ended; null
     * without durations (an older master).
     */
    static String took(JsonObject durations) {
        if (durations == null) {
            return null;
        }
        Duration total = Duration.ofSeconds(durations.getLong("totalSeconds", 0L));
        Duration queued = Duration.ofSeconds(durations.getLong("queuedSeconds", 0L));
        Duration built = Duration.ofSeconds(durations.getLong("builtSeconds", 0L));
        boolean started = durations.getJsonArray("parts", new JsonArray()).stream()
            .anyMatch(p -> !BuildTimes.QUEUED.equals(((JsonObject) p).getString("name")));
        return BuildTimes.text(total) + (durations.getBoolean("ended", false) ? "" : " so far") + " (queued "
            + BuildTimes.text(queued) + (started ? ", built " + BuildTimes.text(built) : "") + ")";
    }

    /** Each file a build produced: {@code   boot.iso  N bytes  sha256 HEX  LOCATION}, after an "artifacts:" line. */
    static String artifacts(JsonObject build) {
        JsonArray artifacts = build.getJsonArray("artifacts", new JsonArray());
        if (artifacts.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("artifacts:\n");
        for (Object o : artifacts) {
            JsonObject a = (JsonObject) o;
            out.append("  ").append(a.getString("name")).append("  ").append(a.getLong("size", 0L)).append(" bytes  sha256 ")
                .append(a.getString("sha256")).append("  ").append(a.getString("location")).append('\n');
        }
        return out.toString();
    }

    /** The table of {@code fbs list} and {@code fbs status}. */
    static Table table(JsonArray builds) {
        Table table = new Table("ID", "STATE", "IMAGE", "OWNER", "WORKER", "SUBMITTED", "REASON");
        for (Object o : builds) {
            JsonObject b = (JsonObject) o;
            table.row(String.valueOf(b.getLong("id")), state(b), image(b), b.getString("owner"), b.getString("worker"),
                submitted(b), b.getString("reason"));
        }
        return table;
    }

    /** The table of {@code fbs workers}; {@code now} for how long ago each was heard from. */
    static Table workers(JsonArray workers, Instant now) {
        Table table = new Table("WORKER", "BUILDS FOR", "TYPES", "SLOTS", "FREE", "RUNNING", "STATE", "LAST SEEN");
        for (Object o : workers) {
            JsonObject w = (JsonObject) o;
            List<String> targets = new ArrayList<>();
            w.getJsonArray("addresses", new JsonArray()).forEach(a -> targets.add(target(String.valueOf(a))));
            JsonArray types = w.getJsonArray("types");
            List<String> running = new ArrayList<>();
            w.getJsonArray("running", new JsonArray()).forEach(id -> running.add(String.valueOf(id)));
            table.row(w.getString("worker"), String.join(",", targets),
                types == null ? "any" : String.join(",", types.stream().map(String::valueOf).toList()),
                String.valueOf(w.getInteger("slots", 0)), String.valueOf(w.getInteger("free", 0)),
                String.join(",", running), w.getBoolean("draining", false) ? "draining" : "taking builds",
                ago(w.getString("lastSeen"), now));
        }
        return table;
    }

    /** {@code build.x86_64.41} -> {@code x86_64/41}. */
    static String target(String address) {
        String rest = address.startsWith("build.") ? address.substring("build.".length()) : address;
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot) + "/" + rest.substring(dot + 1);
    }

    static String ago(String at, Instant now) {
        if (at == null) {
            return null;
        }
        try {
            Duration d = Duration.between(Instant.parse(at), now);
            long s = Math.max(0, d.toSeconds());
            return s < 120 ? s + "s ago" : s < 7200 ? s / 60 + "m ago" : s / 3600 + "h ago";
        } catch (DateTimeParseException e) {
            return at;
        }
    }

    private static String seconds(String at) {
        try {
            return Instant.parse(at).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException | NullPointerException e) {
            return at;
        }
    }

    private static void field(StringBuilder out, String name, String value) {
        if (value != null && !value.isBlank()) {
            out.append(String.format("  %-10s %s", name + ":", value)).append('\n');
        }
    }
}
