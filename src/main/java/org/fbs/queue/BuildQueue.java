package org.fbs.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.protocol.BuildEvent;

/**
 * The master's builds that have not ended, and the rules of the queue, in plain Java: which build is offered next,
 * how many builds an owner may have waiting, which changes of state are legal, what a lost worker means for its
 * builds, and which worker events are applied. No event bus, no store, no clock of its own: the dispatcher feeds it
 * and acts on its answers. Not thread-safe: use it from one thread (the dispatcher's context).
 *
 * <p>Queued builds wait in lanes, one per address, image kind and isolation, each in submission order (build ids
 * grow). Everything in a lane waits for the same kind of worker, so a lane no worker can serve is skipped as a
 * whole, and finding the next build to offer costs O(lanes + log n), never a walk over every build.
 */
public final class BuildQueue {

    /** What a queued build needs from a worker: the address it is routed by, its image kind, isolation. */
    public record Lane(String address, String kind, boolean isolate) {
    }

    /** Why no worker can take a lane's builds now; null when one can. */
    @FunctionalInterface
    public interface Workers {
        String whyNot(Lane lane);
    }

    /** What to do with a worker's event. */
    public enum Verdict {
        /** Apply it: {@link Judged#next} is the build after it. */
        APPLY,
        /** Already applied, or of a build that ended: acknowledge it, change nothing. */
        DONE,
        /**
         * Of a lease that is not the build's current one (given up on, or never taken): acknowledge it, change
         * nothing, and tell its sender to stop that run if it still runs.
         */
        STALE,
        /** From a worker that does not hold the build's lease: refuse it, and tell the sender to stop its run. */
        FOREIGN,
        /** The worker lost its run (it restarted): {@link Judged#next} is the build requeued or failed. */
        LOST
    }

    /** A verdict on an event, with the build it leads to (APPLY and LOST) or the build as it is (null if ended). */
    public record Judged(Verdict verdict, Build next) {
    }

    /**
     * The ids of one address's queued builds in order. A page or API read asks for a build's place far more often
     * than the line changes, so the place comes from a sorted array: O(log n) per read. The usual changes keep it up
     * to date at no cost (a new build has the largest id and joins the end; the oldest leaves from the front); any
     * other change has it made again at the next read.
     */
    private static final class Line {
        final TreeSet<Long> ids = new TreeSet<>();
        private long[] sorted = new long[16];
        private int from;
        private int to;
        private boolean stale;

        void add(long id) {
            if (!ids.add(id)) {
                return;
            }
            if (stale || (to > from && id < sorted[to - 1])) {
                stale = true;
                return;
            }
            if (to == sorted.length) {
                long[] grown = new long[Math.max(16, (to - from) * 2)];
                System.arraycopy(sorted, from, grown, 0, to - from);
                to -= from;
                from = 0;
                sorted = grown;
            }
            sorted[to++] = id;
        }

        void remove(long id) {
            if (!ids.remove(id)) {
                return;
            }
            if (!stale && to > from && sorted[from] == id) {
                from++;
            } else {
                stale = true;
            }
        }

        int before(long id) {
            if (stale) {
                sorted = ids.stream().mapToLong(Long::longValue).toArray();
                from = 0;
                to = sorted.length;
                stale = false;
            }
            int at = java.util.Arrays.binarySearch(sorted, from, to, id);
            return (at >= 0 ? at : -at - 1) - from;
        }
    }

    private static final class Waiting {
        final TreeSet<Long> ids = new TreeSet<>();
        /** The reason last given to the whole lane: walking it again for the same reason would change nothing. */
        String reason;
    }

    private final Map<Long, Build> active = new HashMap<>();
    private final Map<Long, Lane> laneOf = new HashMap<>();
    /** The lanes of each address, in the order they first had a build. */
    private final Map<String, Map<Lane, Waiting>> lanes = new HashMap<>();
    private final Set<Long> offered = new HashSet<>();
    /** The queued builds of each address (those being offered too), for places in line. */
    private final Map<String, Line> lines = new HashMap<>();
    private final Map<String, Integer> queuedByOwner = new HashMap<>();
    private final Map<String, Set<Long>> byWorker = new HashMap<>();
    private final Function<Build, String> kindOf;
    private final int maxQueuedPerUser;
    private final int maxRetries;

    /**
     * @param kindOf           the image kind of a build (read once, when it enters the queue)
     * @param maxQueuedPerUser how many builds one owner may have waiting
     * @param maxRetries       how often a build that lost its worker is queued again before it fails
     */
    public BuildQueue(Function<Build, String> kindOf, int maxQueuedPerUser, int maxRetries) {
        this.kindOf = kindOf;
        this.maxQueuedPerUser = maxQueuedPerUser;
        this.maxRetries = maxRetries;
    }

    /** The build with {@code id} if it has not ended; null otherwise. */
    public Build get(long id) {
        return active.get(id);
    }

    public int size() {
        return active.size();
    }

    /** How many queued builds for the same address as queued build {@code id} are older (offered before it). */
    public int ahead(long id) {
        Build build = active.get(id);
        Line line = build == null ? null : lines.get(build.address());
        return line == null ? 0 : line.before(id);
    }

    /** Why {@code owner} may not queue another build (too many waiting already); null when they may. */
    public String refusal(String owner) {
        int queued = queuedByOwner.getOrDefault(owner == null ? "" : owner, 0);
        if (queued < maxQueuedPerUser) {
            return null;
        }
        return owner + " already has " + queued + " builds waiting in the queue, the most "
            + "master.max-queued-per-user allows (" + maxQueuedPerUser + "); submit again once one has started";
    }

    /** How many builds of {@code owner} wait in the queue (those being offered included). */
    public int queuedBy(String owner) {
        return queuedByOwner.getOrDefault(owner == null ? "" : owner, 0);
    }

    /**
     * Records a build's change (or a build new to the queue). A build that ended leaves the queue.
     *
     * @throws IllegalStateException when its state may not change that way (an ended build changes no more, a
     *                               running build is not assigned again)
     */
    public void put(Build changed) {
        Build before = active.get(changed.id());
        if (before != null && !before.state().canBecome(changed.state())) {
            throw new IllegalStateException("build " + changed.id() + " cannot go from " + before.state() + " to "
                + changed.state());
        }
        if (before != null) {
            unindex(before);
        }
        if (changed.state().isFinal()) {
            active.remove(changed.id());
            laneOf.remove(changed.id());
            return;
        }
        active.put(changed.id(), changed);
        index(changed);
    }

    private void index(Build build) {
        if (build.state() == BuildState.QUEUED) {
            queuedByOwner.merge(ownerKey(build), 1, Integer::sum);
            lines.computeIfAbsent(build.address(), a -> new Line()).add(build.id());
            Lane lane = laneOf.computeIfAbsent(build.id(),
                id -> new Lane(build.address(), kindOf.apply(build), build.isolate()));
            if (!offered.contains(build.id())) {
                waiting(lane).ids.add(build.id());
            }
        } else if (build.state().isWithWorker() && build.worker() != null) {
            byWorker.computeIfAbsent(build.worker(), w -> new HashSet<>()).add(build.id());
        }
    }

    private void unindex(Build build) {
        if (build.state() == BuildState.QUEUED) {
            queuedByOwner.computeIfPresent(ownerKey(build), (o, n) -> n > 1 ? n - 1 : null);
            Line line = lines.get(build.address());
            if (line != null) {
                line.remove(build.id());
                if (line.ids.isEmpty()) {
                    lines.remove(build.address());
                }
            }
            Lane lane = laneOf.get(build.id());
            Map<Lane, Waiting> of = lane == null ? null : lanes.get(lane.address());
            if (of != null && of.containsKey(lane)) {
                of.get(lane).ids.remove(build.id());
            }
        } else if (build.state().isWithWorker() && build.worker() != null) {
            Set<Long> had = byWorker.get(build.worker());
            if (had != null) {
                had.remove(build.id());
                if (had.isEmpty()) {
                    byWorker.remove(build.worker());
                }
            }
        }
    }

    private static String ownerKey(Build build) {
        return build.owner() == null ? "" : build.owner();
    }

    private Waiting waiting(Lane lane) {
        return lanes.computeIfAbsent(lane.address(), a -> new LinkedHashMap<>())
            .computeIfAbsent(lane, l -> new Waiting());
    }

    /** The lane a queued build waits in; null when it is not queued. */
    public Lane laneOf(long id) {
        return laneOf.get(id);
    }

    /** The lane {@code build} would wait in (for a build not stored yet). */
    public Lane laneFor(Build build) {
        return new Lane(build.address(), kindOf.apply(build), build.isolate());
    }

    /** The reason last given to a whole lane; null when none. */
    public String reasonOf(Lane lane) {
        Map<Lane, Waiting> of = lanes.get(lane.address());
        Waiting w = of == null ? null : of.get(lane);
        return w == null ? null : w.reason;
    }

    /**
     * Takes the oldest queued build for {@code address} that a worker can take now, and marks it as being offered
     * (it is offered once at a time, until {@link #offerEnded}). Each lane no worker can serve is reported to
     * {@code waits} with why. Null when there is nothing to offer.
     */
    public Build takeNext(String address, Workers workers, BiConsumer<Lane, String> waits) {
        Map<Lane, Waiting> of = lanes.get(address);
        if (of == null) {
            return null;
        }
        Waiting best = null;
        for (Map.Entry<Lane, Waiting> lane : of.entrySet()) {
            Waiting w = lane.getValue();
            if (w.ids.isEmpty() || (best != null && w.ids.first() > best.ids.first())) {
                continue;
            }
            String why = workers.whyNot(lane.getKey());
            if (why != null) {
                waits.accept(lane.getKey(), why);
            } else {
                best = w;
            }
        }
        if (best == null) {
            return null;
        }
        long id = best.ids.pollFirst();
        offered.add(id);
        return active.get(id);
    }

    /** Whether build {@code id} is being offered right now. */
    public boolean beingOffered(long id) {
        return offered.contains(id);
    }

    /** The offer of build {@code id} got its answer: if it is still queued, it waits its turn again. */
    public void offerEnded(long id) {
        offered.remove(id);
        Build build = active.get(id);
        Lane lane = laneOf.get(id);
        if (build != null && build.state() == BuildState.QUEUED && lane != null) {
            waiting(lane).ids.add(id);
        }
    }

    /**
     * Gives {@code lane} a reason why it waits; returns the queued builds (not being offered) that must be stored
     * with it. Empty when the lane already waits for that reason: then only a build that has just come back from
     * an offer may need it, and the caller gives it that one itself.
     */
    public List<Build> laneWaits(Lane lane, String reason) {
        Waiting w = waiting(lane);
        if (Objects.equals(w.reason, reason)) {
            return List.of();
        }
        w.reason = reason;
        List<Build> stale = new ArrayList<>();
        for (long id : w.ids) {
            Build b = active.get(id);
            if (b != null && !reason.equals(b.reason())) {
                stale.add(b.waiting(reason));
            }
        }
        return stale;
    }

    /** The addresses with builds waiting. */
    public List<String> addressesWithQueued() {
        List<String> out = new ArrayList<>();
        lanes.forEach((address, of) -> {
            if (of.values().stream().anyMatch(w -> !w.ids.isEmpty())) {
                out.add(address);
            }
        });
        return out;
    }

    /** The builds {@code worker} has (assigned or running), oldest first. */
    public List<Build> heldBy(String worker) {
        Set<Long> ids = byWorker.get(worker);
        return ids == null ? List.of() : ids.stream().sorted().map(active::get).toList();
    }

    /** The workers that hold builds. */
    public Collection<String> holders() {
        return List.copyOf(byWorker.keySet());
    }

    /** Whether {@code build} is with {@code worker} now. */
    public static boolean isWith(Build build, String worker) {
        return build != null && build.state().isWithWorker() && Objects.equals(worker, build.worker());
    }

    /**
     * The build after its worker was lost: back in the queue for another attempt (its lease declared dead), or
     * FAILED once it has had every attempt.
     */
    public Build afterLoss(Build build, String cause, Instant now) {
        int attempts = maxRetries + 1;
        String during = cause + " during attempt " + build.attempt() + " of " + attempts;
        if (build.attempt() >= attempts) {
            return build.finished(BuildState.FAILED, during + "; no retries left", List.of(), now, build.lastSeq());
        }
        return build.requeued(during + "; queued again", now);
    }

    /**
     * What to do with a worker's event. Only the holder of the build's current lease changes the build: an event of
     * any other lease (one the master gave up on, or an offer it stopped waiting for) is stale, whatever its attempt
     * number; an event that names the lease but comes from another worker is foreign. Builds given out before leases
     * existed (no lease) go by their attempt number.
     */
    public Judged judge(BuildEvent event) {
        Build build = active.get(event.buildId());
        if (build == null) {
            return new Judged(Verdict.STALE, null);
        }
        boolean current = build.lease() != null ? build.lease().equals(event.lease())
            : event.lease() == null && event.attempt() == build.attempt();
        if (!current || !build.state().isWithWorker()) {
            return new Judged(Verdict.STALE, build);
        }
        if (!Objects.equals(event.worker(), build.worker())) {
            return new Judged(Verdict.FOREIGN, build);
        }
        if (event.kind() == BuildEvent.Kind.LOST) {
            return new Judged(Verdict.LOST, afterLoss(build, "worker " + event.worker()
                + " restarted and could not resume it" + (event.reason() == null ? "" : " (" + event.reason() + ")"),
                event.at()));
        }
        if (event.seq() <= build.lastSeq()) {
            return new Judged(Verdict.DONE, build);
        }
        Build next = switch (event.kind()) {
            case STAGE -> build.running(event.stage(), event.at(), event.seq());
            case SUCCEEDED -> build.finished(BuildState.SUCCEEDED, null, event.artifacts(), event.at(), event.seq())
                .withExtraPackages(event.extraPackages());
            case FAILED -> build.finished(BuildState.FAILED, event.reason(), event.artifacts(), event.at(),
                event.seq());
            case CANCELED -> build.finished(BuildState.CANCELED, event.reason(), event.artifacts(), event.at(),
                event.seq());
            case LOST -> throw new IllegalStateException("handled above");
        };
        // The tail is kept with the ended build: the worker may lose the log long before anyone reads it.
        return new Judged(Verdict.APPLY, next.state().isFinal() ? next.withLogTail(event.logTail()) : next);
    }
}
