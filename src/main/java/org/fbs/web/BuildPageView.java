package org.fbs.web;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fbs.build.Artifact;
import org.fbs.build.Build;
import org.fbs.build.BuildView;
import org.fbs.store.OutboxMail;

/**
 * What the build page's template shows. Links (artifacts, the log) are decided here, not in the template.
 *
 * @param spec      the spec as users see it (passwords masked)
 * @param place     where the build stands in line; null when it is not waiting or nobody said
 * @param kickstart the kickstart given with the spec; null when none
 */
record BuildPageView(Build build, String type, String arch, String release, List<BuildProgress.Step> steps,
                 long passed, StageTimes times, PlaceInLine place, List<ArtifactRow> artifacts,
                 List<SpecRow> spec, String kickstart, String logSrc, List<MailRow> mails) {

    /** The width the stage bar is drawn in (SVG user units; the bar scales to the page). */
    static final long BAR = 1000;

    /** @param href where the artifact is fetched from; null when it is a path on the staging host */
    record ArtifactRow(String name, String href, String where, long size, String sha256) {

        static ArtifactRow of(Artifact a) {
            String where = a.location();
            boolean link = where != null && (where.startsWith("http://") || where.startsWith("https://")
                || where.startsWith("ftp://"));
            return new ArtifactRow(a.name(), link ? where : null, where, a.size(), a.sha256());
        }
    }

    record SpecRow(String key, String value) {
    }

    /** A mail about the build: its kind, how it went, to whom, and whom the mail server refused. */
    record MailRow(String kind, String status, String to, List<String> rejected) {

        static MailRow of(OutboxMail m) {
            return new MailRow(m.kind(), m.status().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                String.join(", ", m.to()), m.rejected());
        }
    }

    static BuildPageView of(Build build, Instant now) {
        return of(build, List.of(), null, now);
    }

    /**
     * @param build the build with its worker links as the page shows them (signed)
     * @param queue where it stands in line, as the API's {@code queue} object; null when it is not waiting
     */
    static BuildPageView of(Build build, List<OutboxMail> mails, JsonObject queue, Instant now) {
        JsonObject view = BuildView.of(build.toJson());
        JsonObject spec = view.getJsonObject("spec");
        String type = spec.getString("type");
        List<SpecRow> rows = new ArrayList<>();
        for (Map.Entry<String, Object> e : spec) {
            if (!(e.getValue() instanceof JsonObject)) {
                rows.add(new SpecRow(e.getKey(), String.valueOf(e.getValue())));
            }
        }
        JsonObject own = spec.getJsonObject(type, new JsonObject());
        for (Map.Entry<String, Object> e : own) {
            if (!e.getKey().equals("kickstart")) {
                rows.add(new SpecRow(type + "." + e.getKey(), String.valueOf(e.getValue())));
            }
        }
        List<BuildProgress.Step> steps = BuildProgress.of(build);
        String line = spec.getString("arch") + "/" + spec.getString("release");
        return new BuildPageView(build, type, spec.getString("arch"), spec.getString("release"), steps,
            BuildProgress.passed(steps), StageTimes.of(build, now), PlaceInLine.of(queue, line),
            build.artifacts().stream().map(ArtifactRow::of).toList(), rows, own.getString("kickstart"),
            "/builds/" + build.id() + "/log", mails.stream().map(MailRow::of).toList());
    }

    boolean logReady() {
        return build.logUrl() != null;
    }
}
