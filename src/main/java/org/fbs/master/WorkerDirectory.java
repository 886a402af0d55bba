package org.fbs.master;

import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fbs.config.Isolation;
import org.fbs.protocol.WorkerStatus;

/**
 * The workers the master has heard from lately: who is alive (a worker silent for the timeout is not), why a build
 * waits, and the cluster view.
 */
final class WorkerDirectory {

    private record Seen(WorkerStatus status, Instant at) {
    }

    private final Map<String, Seen> workers = new HashMap<>();
    private final Duration timeout;

    WorkerDirectory(Duration timeout) {
        this.timeout = timeout;
    }

    void heard(WorkerStatus status, Instant now) {
        workers.put(status.worker(), new Seen(status, now));
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

    /** The free slots that the workers consuming {@code address} last announced. */
    int freeSlots(String address) {
        return workers.values().stream().filter(s -> s.status().addresses().contains(address))
            .mapToInt(s -> s.status().free()).sum();
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

    JsonArray toJson() {
        JsonArray out = new JsonArray();
        workers.values().forEach(seen -> out.add(seen.status().toJson().put("lastSeen", seen.at().toString())));
        return out;
    }

    static String describe(String address) {
        String rest = address.substring(address.indexOf('.') + 1);
        int dot = rest.indexOf('.');
        return rest.substring(0, dot) + "/" + rest.substring(dot + 1);
    }

}
