package org.fbs.master;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fbs.config.Isolation;
import org.fbs.protocol.WorkerStatus;
import org.fbs.service.KnownWorker;

/**
 * The workers the master has heard from lately: who is alive (a worker silent for the timeout is not), why a build
 * waits, and the cluster view.
 */
final class WorkerDirectory {

    private record Seen(WorkerStatus status, Instant at) {
    }

    private final Map<String, Seen> workers = new HashMap<>();
    /** Offers out to each worker now: slots they may fill that its last announcement does not show. */
    private final Map<String, Integer> offersOut = new HashMap<>();
    /** Slots each worker filled (or said it had none) since its last announcement. */
    private final Map<String, Integer> takenSince = new HashMap<>();
    /** Why the last offer to a worker failed (no answer, an unreadable one), until it announces itself again. */
    private final Map<String, String> troubles = new HashMap<>();
    private final Duration timeout;

    WorkerDirectory(Duration timeout) {
        this.timeout = timeout;
    }

    void heard(WorkerStatus status, Instant now) {
        workers.put(status.worker(), new Seen(status, now));
        takenSince.remove(status.worker());
        troubles.remove(status.worker());
    }

    /**
     * The worker to offer a build of {@code kind} for {@code address} to: one that announced itself over the event
     * bus, serves the address, builds the kind (and isolates it, if {@code isolate}), is not draining, and has a free
     * slot by its last announcement less what it was offered or took since; the one with the most. Null when none.
     */
    String pick(String address, String kind, boolean isolate) {
        String best = null;
        int most = 0;
        for (Seen seen : workers.values()) {
            WorkerStatus s = seen.status();
            if (!s.addresses().contains(address) || !s.builds(kind)
                || isolate && !Isolation.covers(s.isolation(), kind)) {
                continue;
            }
            int free = free(s);
            if (free > most) {
                most = free;
                best = s.worker();
            }
        }
        return best;
    }

    private int free(WorkerStatus s) {
        return s.free() - offersOut.getOrDefault(s.worker(), 0) - takenSince.getOrDefault(s.worker(), 0);
    }

    /** An offer to {@code worker} is on its way. */
    void offering(String worker) {
        offersOut.merge(worker, 1, Integer::sum);
    }

    /** The offer to {@code worker} was answered (or not): {@code took} when it took the build. */
    void offered(String worker, boolean took) {
        offersOut.computeIfPresent(worker, (w, n) -> n > 1 ? n - 1 : null);
        if (took) {
            takenSince.merge(worker, 1, Integer::sum);
        }
    }

    /**
     * {@code worker} declined or did not answer: no more offers to it until it announces itself again. {@code why} is
     * what went wrong when it was not a plain decline (null for one): the reason builds wait meanwhile.
     */
    void full(String worker, String why) {
        Seen seen = workers.get(worker);
        if (seen != null) {
            takenSince.put(worker, seen.status().free());
            if (why == null) {
                troubles.remove(worker);
            } else {
                troubles.put(worker, why);
            }
        }
    }

    /** What went wrong with the last offer to a worker for {@code address} that is out of offers for it; or null. */
    String trouble(String address) {
        for (Map.Entry<String, String> t : troubles.entrySet()) {
            Seen seen = workers.get(t.getKey());
            if (seen != null && seen.status().addresses().contains(address)) {
                return t.getValue();
            }
        }
        return null;
    }

    /** Forgets the workers silent for longer than the timeout; returns them. */
    List<String> expire(Instant now) {
        List<String> gone = new ArrayList<>();
        workers.values().removeIf(seen -> {
            boolean silent = seen.at().plus(timeout).isBefore(now);
            if (silent) {
                gone.add(seen.status().worker());
            }
            return silent;
        });
        gone.forEach(w -> {
            takenSince.remove(w);
            troubles.remove(w);
        });
        return gone;
    }

    /** Forgets the workers that ran on the cluster node {@code node}, which has left; returns them. */
    List<String> departed(String node) {
        List<String> gone = new ArrayList<>();
        workers.values().removeIf(seen -> {
            boolean there = node != null && Objects.equals(seen.status().node(), node);
            if (there) {
                gone.add(seen.status().worker());
            }
            return there;
        });
        return gone;
    }

    /**
     * Where build {@code id}'s log is on {@code worker}: under the public URL it announced, the one place the master
     * reads worker files from; null while it has not announced one.
     */
    String logUrl(String worker, long id) {
        Seen seen = workers.get(worker);
        String url = seen == null ? null : seen.status().url();
        return url == null || url.isBlank() ? null : url + "/log/" + id;
    }

    boolean knows(String worker) {
        return workers.containsKey(worker);
    }

    /** How many known workers consume {@code address}. */
    int serving(String address) {
        return (int) workers.values().stream().filter(s -> s.status().addresses().contains(address)).count();
    }

    /** Whether workers for {@code address} are known and every one of them is draining. */
    boolean allDraining(String address) {
        return serving(address) > 0 && workers.values().stream()
            .filter(s -> s.status().addresses().contains(address)).allMatch(s -> s.status().draining());
    }

    /**
     * Why the workers for {@code address} take no build when every one of them declines for itself (low on disk):
     * "worker w1: only 3.0 MiB free on /srv/fbs (worker.min-free-disk: 20.0 GiB)"; null when any of them takes builds.
     */
    String allDeclining(String address) {
        List<WorkerStatus> serving = workers.values().stream().map(Seen::status)
            .filter(s -> s.addresses().contains(address)).toList();
        if (serving.isEmpty() || serving.stream().anyMatch(s -> s.declining() == null)) {
            return null;
        }
        return String.join("; ", serving.stream().map(s -> "worker " + s.worker() + " has " + s.declining()).toList());
    }

    /** How many known workers consume {@code address} and have no free slot (all taken, or draining). */
    int busy(String address) {
        return (int) workers.values().stream()
            .filter(s -> s.status().addresses().contains(address) && s.status().free() == 0).count();
    }

    /** How many known workers consume {@code address} and say they can build {@code kind} (or say nothing). */
    int canBuild(String address, String kind) {
        return (int) workers.values().stream()
            .filter(s -> s.status().addresses().contains(address) && s.status().builds(kind)).count();
    }

    /** How many known workers consume {@code address} and isolate builds of {@code kind} (worker.isolation). */
    int isolating(String address, String kind) {
        return (int) workers.values().stream().filter(s -> s.status().addresses().contains(address)
            && s.status().builds(kind) && Isolation.covers(s.status().isolation(), kind)).count();
    }

    List<KnownWorker> known() {
        return workers.values().stream().map(seen -> new KnownWorker(seen.status(), seen.at())).toList();
    }

    static String describe(String address) {
        String rest = address.substring(address.indexOf('.') + 1);
        int dot = rest.indexOf('.');
        return rest.substring(0, dot) + "/" + rest.substring(dot + 1);
    }

}
