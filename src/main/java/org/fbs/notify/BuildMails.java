package org.fbs.notify;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.fbs.build.Artifact;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.BuildTimes;
import org.fbs.build.Secrets;
import org.fbs.service.BuildChange;
import org.fbs.spec.SpecParser;
import org.fbs.store.OutboxMail;

/** Decides which change of a build its recipients hear about, and writes that mail. No I/O. */
final class BuildMails {

    static final String STARTED = "started";
    static final String FINISHED = "finished";
    static final String REQUEUED = "requeued";

    private final String masterUrl;

    /** @param masterUrl {@code master.public-url}, for the links to the build */
    BuildMails(String masterUrl) {
        this.masterUrl = masterUrl;
    }

    /** The mail this change calls for, if any: on start, on the end, and when a build goes back to the queue. */
    Optional<OutboxMail> about(BuildChange change, Instant now) {
        Build build = change.build();
        List<String> to = recipients(build.spec());
        return switch (to.isEmpty() ? Occasion.NONE : occasion(change)) {
            case STARTED -> Optional.of(started(build, to, now));
            case FINISHED -> Optional.of(finished(build, change.logTail(), to, now));
            case REQUEUED -> Optional.of(requeued(build, to, now));
            case NONE -> Optional.empty();
        };
    }

    /**
     * Whether the change calls for a mail at all: most do not (a stage, an offer), and the caller need not sign the
     * build's links for those.
     */
    boolean callsFor(BuildChange change) {
        return occasion(change) != Occasion.NONE && !recipients(change.build().spec()).isEmpty();
    }

    /** What a change is, for mails. */
    private enum Occasion { STARTED, FINISHED, REQUEUED, NONE }

    private static Occasion occasion(BuildChange change) {
        BuildState before = change.before();
        BuildState after = change.build().state();
        if (before == after) {
            return Occasion.NONE;
        }
        if (after == BuildState.RUNNING) {
            return Occasion.STARTED;
        }
        if (after.isFinal() && (before == null || !before.isFinal())) {
            return Occasion.FINISHED;
        }
        if (after == BuildState.QUEUED && (before == BuildState.ASSIGNED || before == BuildState.RUNNING)) {
            return Occasion.REQUEUED;
        }
        return Occasion.NONE;
    }

    private OutboxMail started(Build build, List<String> to, Instant now) {
        MailBody body = new MailBody()
            .paragraph("Build " + build.id() + " (" + what(build) + ") has started on worker " + build.worker() + ".")
            .link("Live log", logLink(build))
            .link("Build", buildUrl(build))
            .field("Results go to", stagingOf(build));
        return OutboxMail.pending(key(build, STARTED), build.id(), STARTED, to, subject(build, "started"), body.text(), body.html(), now);
    }

    private OutboxMail finished(Build build, List<String> logTail, List<String> to, Instant now) {
        MailBody body = new MailBody();
        if (build.state() != BuildState.SUCCEEDED) {
            body.paragraph("Build " + build.id() + " " + build.state() + ": " + nonNull(build.reason()));
        } else {
            body.paragraph("Build " + build.id() + " (" + what(build) + ") succeeded.");
        }
        body.field("State", build.state().name())
            .field("Worker", nonNull(build.worker()))
            .field("Duration", BuildTimes.of(build, now).summary())
            .link("Build", buildUrl(build))
            .link("Full log", logLink(build))
            .gap();
        for (Artifact a : build.artifacts()) {
            body.field(a.name(), a.size() + " bytes, SHA256 " + a.sha256())
                .link(a.name() + " is at", a.location());
        }
        List<String> tail = build.state() == BuildState.SUCCEEDED ? logTail : withoutReason(logTail, build.reason());
        if (!tail.isEmpty()) {
            body.gap().preformatted(tail.size() == 1 ? "The last line of the log"
                : "The last " + tail.size() + " lines of the log", tail);
        }
        return OutboxMail.pending(key(build, FINISHED), build.id(), FINISHED, to, subject(build, build.state().name()), body.text(),
            body.html(), now);
    }

    private OutboxMail requeued(Build build, List<String> to, Instant now) {
        MailBody body = new MailBody()
            .paragraph("Build " + build.id() + " (" + what(build) + ") lost its worker and is queued again; you will "
                + "hear when it starts anew.")
            .field("Why", build.reason() == null ? "its worker stopped answering" : build.reason())
            .link("Build", buildUrl(build));
        return OutboxMail.pending(key(build, REQUEUED), build.id(), REQUEUED, to, subject(build, "queued again"), body.text(), body.html(),
            now);
    }

    /** One started and one requeued mail per attempt, one finished mail per build. */
    static String key(Build build, String kind) {
        return build.id() + "/" + kind + (kind.equals(FINISHED) ? "" : "/" + build.attempt());
    }

    /** "[FBS] build 7 SUCCEEDED: Fedora boot x86_64/41", on one line whatever the fields hold. */
    static String subject(Build build, String event) {
        return oneLine("[FBS] build " + build.id() + " " + event + ": " + what(build));
    }

    /** Control characters (CR and LF above all) become spaces: a header value stays one header. */
    static String oneLine(String s) {
        return Secrets.mask(s).replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", " ");
    }

    /** "Fedora boot x86_64/41": the product (where the type has one), the type, arch and release. */
    private static String what(Build build) {
        JsonObject spec = build.spec();
        String type = spec.getString("type", "?");
        JsonObject section = spec.getJsonObject(type);
        String product = section == null ? null : section.getString("product", section.getString("name"));
        return (product == null ? "" : product + " ") + type + " " + spec.getString("arch", "?") + "/"
            + spec.getString("release", "?");
    }

    private static String stagingOf(Build build) {
        String staging = build.spec().getString("staging", "worker");
        return staging.equals("worker") ? "the worker (download links will be in the mail at the end)" : staging;
    }

    /** The build's page (the HTML one: a browser that follows the link gets a login, not a 401). */
    private String buildUrl(Build build) {
        return masterUrl + "/builds/" + build.id();
    }

    /** The one place a mail takes the link to a build's log from. */
    private String logLink(Build build) {
        return nonNull(build.logUrl());
    }

    /**
     * The log's last lines, less those that only repeat the reason the mail starts with (the worker ends its log
     * with "build failed: REASON").
     */
    static List<String> withoutReason(List<String> tail, String reason) {
        if (reason == null || reason.isBlank()) {
            return tail;
        }
        List<String> reasonLines = reason.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return tail.stream()
            .filter(line -> reasonLines.stream().noneMatch(r -> line.strip().equals(r) || line.strip().endsWith(": " + r)))
            .toList();
    }

    /**
     * The spec's addresses that can safely go into a To header, at most {@link SpecParser#MAX_RECIPIENTS} (what the
     * spec check allows; a build stored before that check gets no more either).
     */
    static List<String> recipients(JsonObject spec) {
        String email = spec.getString("email", "");
        return Arrays.stream(email.split(","))
            .map(String::trim)
            .filter(a -> a.matches("[^\\s\\p{Cntrl}@<>\",;]+@[^\\s\\p{Cntrl}@<>\",;]+"))
            .distinct()
            .limit(SpecParser.MAX_RECIPIENTS)
            .toList();
    }

    private static String nonNull(String s) {
        return s == null ? "(none)" : s;
    }
}
