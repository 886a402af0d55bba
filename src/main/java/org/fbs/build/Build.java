package org.fbs.build;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A build as the master records it. Immutable: each change returns a new Build with the change in its history.
 *
 * @param id       the store's id (0 before the build is stored)
 * @param spec     the spec in its canonical JSON form
 * @param address  the event-bus address its offers go to
 * @param stage    the stage while RUNNING, else null
 * @param reason   why it waits, failed or was canceled; null when there is nothing to say
 * @param lastSeq  the sequence number of the last worker event applied (events are applied once)
 * @param extraPackages the packages from Koji that went into its side repository; empty when none
 * @param owner    the user who submitted it ({@code local} when the master runs without login); null for builds
 *                 stored before accounts existed
 * @param attempt  how many times a worker was given it: 0 while it was never assigned, 1 for the first worker, more
 *                 when it was requeued after losing its worker. Worker events carry it, so that a late event of an
 *                 earlier attempt is not applied to the current one.
 * @param logTail  the last lines of its log as its worker sent them when it ended (empty before): what the master can
 *                 still show once the worker no longer has the log
 * @param isolate  it runs its owner's code (a kickstart or kiwi description) and its owner was not trusted when it
 *                 was submitted: only a worker whose isolation covers its kind may run it
 * @param lease    the lease of the current assignment while ASSIGNED or RUNNING (and of the last one once ended):
 *                 only events of this lease are applied; null while queued, and for builds assigned before leases
 * @param deadLeases the earlier leases the master gave up on (the worker was lost, or the offer went unanswered),
 *                 the last {@value #MAX_DEAD_LEASES}: a later run may take over a staging folder only from these
 */
public record Build(long id, JsonObject spec, String address, BuildState state, String stage, String worker,
                    String logUrl, List<Artifact> artifacts, List<Transition> history, String reason,
                    long lastSeq, List<ExtraPackage> extraPackages, String owner, int attempt,
                    List<String> logTail, boolean isolate, String lease, List<String> deadLeases) {

    /** How many dead leases a build keeps: retries are few; offers that go unanswered again and again are not. */
    public static final int MAX_DEAD_LEASES = 16;

    public Build {
        artifacts = List.copyOf(artifacts);
        history = List.copyOf(history);
        extraPackages = List.copyOf(extraPackages);
        logTail = List.copyOf(logTail);
        deadLeases = List.copyOf(deadLeases.size() > MAX_DEAD_LEASES
            ? deadLeases.subList(deadLeases.size() - MAX_DEAD_LEASES, deadLeases.size()) : deadLeases);
    }

    public static Build queued(JsonObject spec, String address, String owner, boolean isolate, Instant now) {
        return new Build(0, spec, address, BuildState.QUEUED, null, null, null, List.of(),
            List.of(new Transition(BuildState.QUEUED, null, now, null)), null, 0, List.of(), owner, 0, List.of(),
            isolate, null, List.of());
    }

    public Build withId(long newId) {
        return new Build(newId, spec, address, state, stage, worker, logUrl, artifacts, history, reason, lastSeq,
            extraPackages, owner, attempt, logTail, isolate, lease, deadLeases);
    }

    /** Still queued, with a new reason why. Not a state change, so no history entry. */
    public Build waiting(String why) {
        return new Build(id, spec, address, state, stage, worker, logUrl, artifacts, history, why, lastSeq,
            extraPackages, owner, attempt, logTail, isolate, lease, deadLeases);
    }

    /** Given to {@code toWorker} under lease {@code withLease} (the offer it accepted): the next attempt. */
    public Build assigned(String toWorker, String workerLogUrl, Instant at, String withLease) {
        return new Build(id, spec, address, BuildState.ASSIGNED, null, toWorker, workerLogUrl, artifacts,
            append(new Transition(BuildState.ASSIGNED, null, at, toWorker)), null, lastSeq, extraPackages, owner,
            attempt + 1, logTail, isolate, withLease, deadLeases);
    }

    /** Still queued; the master gave up on lease {@code dead} (an offer that went unanswered) and records it. */
    public Build leaseDied(String dead) {
        return new Build(id, spec, address, state, stage, worker, logUrl, artifacts, history, reason, lastSeq,
            extraPackages, owner, attempt, logTail, isolate, lease, plus(deadLeases, dead));
    }

    private static List<String> plus(List<String> leases, String dead) {
        if (dead == null || leases.contains(dead)) {
            return leases;
        }
        List<String> more = new ArrayList<>(leases);
        more.add(dead);
        return more;
    }

    /**
     * Back in the queue after its worker was lost: no worker, no log link, no stage, and a fresh event count for
     * the next attempt (whose worker numbers its events from 1 again). The attempt count is kept: the next
     * assignment adds one. The history keeps everything the lost attempt did.
     */
    public Build requeued(String why, Instant at) {
        return new Build(id, spec, address, BuildState.QUEUED, null, null, null, List.of(),
            append(new Transition(BuildState.QUEUED, null, at, why)), why, 0, extraPackages, owner, attempt,
            List.of(), isolate, null, plus(deadLeases, lease));
    }

    public Build running(String newStage, Instant at, long seq) {
        return new Build(id, spec, address, BuildState.RUNNING, newStage, worker, logUrl, artifacts,
            append(new Transition(BuildState.RUNNING, newStage, at, null)), null, seq, extraPackages, owner,
            attempt, logTail, isolate, lease, deadLeases);
    }

    public Build finished(BuildState end, String why, List<Artifact> results, Instant at, long seq) {
        return new Build(id, spec, address, end, null, worker, logUrl, results,
            append(new Transition(end, null, at, why)), why, seq, extraPackages, owner, attempt, logTail, isolate, lease, deadLeases);
    }

    /** The same build, recording the extra packages that went into it. */
    public Build withExtraPackages(List<ExtraPackage> packages) {
        return new Build(id, spec, address, state, stage, worker, logUrl, artifacts, history, reason, lastSeq,
            packages, owner, attempt, logTail, isolate, lease, deadLeases);
    }

    /** The same build with its log at {@code url} (its worker announced where it serves logs only after taking it). */
    public Build withLogUrl(String url) {
        return new Build(id, spec, address, state, stage, worker, url, artifacts, history, reason, lastSeq,
            extraPackages, owner, attempt, logTail, isolate, lease, deadLeases);
    }

    /** The same build with the last lines of its log, as its worker sent them at its end. */
    public Build withLogTail(List<String> lines) {
        return new Build(id, spec, address, state, stage, worker, logUrl, artifacts, history, reason, lastSeq,
            extraPackages, owner, attempt, lines, isolate, lease, deadLeases);
    }

    /** The same build with the passwords in its spec masked: what is kept once nothing needs them any more. */
    public Build withoutSecrets() {
        return new Build(id, Secrets.maskJson(spec), address, state, stage, worker, logUrl, artifacts, history, reason,
            lastSeq, extraPackages, owner, attempt, logTail, isolate, lease, deadLeases);
    }

    private List<Transition> append(Transition t) {
        List<Transition> next = new ArrayList<>(history);
        next.add(t);
        return next;
    }

    public JsonObject toJson() {
        JsonArray hist = new JsonArray();
        history.forEach(t -> hist.add(t.toJson()));
        return new JsonObject()
            .put("id", id)
            .put("state", state.name())
            .put("stage", stage)
            .put("spec", spec)
            .put("address", address)
            .put("worker", worker)
            .put("logUrl", logUrl)
            .put("artifacts", Artifact.toJson(artifacts))
            .put("history", hist)
            .put("reason", reason)
            .put("lastSeq", lastSeq)
            .put("extraPackages", ExtraPackage.toJson(extraPackages))
            .put("owner", owner)
            .put("attempt", attempt)
            .put("logTail", new JsonArray(logTail))
            .put("isolate", isolate)
            .put("lease", lease)
            .put("deadLeases", new JsonArray(deadLeases));
    }

    public static Build fromJson(JsonObject json) {
        List<Transition> hist = json.getJsonArray("history", new JsonArray()).stream()
            .map(o -> Transition.fromJson((JsonObject) o))
            .toList();
        return new Build(json.getLong("id", 0L), json.getJsonObject("spec"), json.getString("address"),
            BuildState.valueOf(json.getString("state")), json.getString("stage"), json.getString("worker"),
            json.getString("logUrl"), Artifact.fromJson(json.getJsonArray("artifacts")), hist,
            json.getString("reason"), json.getLong("lastSeq", 0L),
            ExtraPackage.fromJson(json.getJsonArray("extraPackages")), json.getString("owner"),
            json.getInteger("attempt", 0),
            json.getJsonArray("logTail", new JsonArray()).stream().map(String::valueOf).toList(),
            json.getBoolean("isolate", false), json.getString("lease"),
            json.getJsonArray("deadLeases", new JsonArray()).stream().map(String::valueOf).toList());
    }
}
