package org.fbs.testkit;

import java.time.Instant;
import java.util.List;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.protocol.BuildEvent;

/**
 * A {@link BuildEvent} as a test's worker sends it: the first attempt's first event from worker {@code w1}, now,
 * without artifacts, packages, log lines or lease unless the test says.
 */
public final class BuildEventBuilder {

    private final long build;
    private final BuildEvent.Kind kind;
    private int attempt = 1;
    private long seq = 1;
    private String worker = "w1";
    private String stage;
    private String reason;
    private List<Artifact> artifacts = List.of();
    private Instant at = Instant.now();
    private List<ExtraPackage> extraPackages = List.of();
    private List<String> logTail = List.of();
    private String lease;

    private BuildEventBuilder(long build, BuildEvent.Kind kind) {
        this.build = build;
        this.kind = kind;
    }

    /** A {@code kind} event of build {@code build}. */
    public static BuildEventBuilder event(long build, BuildEvent.Kind kind) {
        return new BuildEventBuilder(build, kind);
    }

    public BuildEventBuilder attempt(int value) {
        attempt = value;
        return this;
    }

    public BuildEventBuilder seq(long value) {
        seq = value;
        return this;
    }

    public BuildEventBuilder worker(String value) {
        worker = value;
        return this;
    }

    /** The stage entered (for STAGE). */
    public BuildEventBuilder stage(String value) {
        stage = value;
        return this;
    }

    /** Why it failed or how it was stopped (FAILED, CANCELED, LOST). */
    public BuildEventBuilder reason(String value) {
        reason = value;
        return this;
    }

    public BuildEventBuilder artifacts(List<Artifact> value) {
        artifacts = value;
        return this;
    }

    public BuildEventBuilder at(Instant value) {
        at = value;
        return this;
    }

    public BuildEventBuilder extraPackages(List<ExtraPackage> value) {
        extraPackages = value;
        return this;
    }

    public BuildEventBuilder logTail(List<String> value) {
        logTail = value;
        return this;
    }

    /** The lease of the run, from its offer; null for a run without one. */
    public BuildEventBuilder lease(String value) {
        lease = value;
        return this;
    }

    public BuildEvent build() {
        return new BuildEvent(build, attempt, seq, worker, kind, stage, reason, artifacts, at, extraPackages, logTail,
            lease);
    }
}
