package org.fbs.master;

import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.fbs.protocol.WorkerStatus;

/** The workers the master has heard from lately; used to explain why a build waits and for the cluster view. */
final class WorkerDirectory {

    private record Seen(WorkerStatus status, Instant at) {
    }

    private final Map<String, Seen> workers = new HashMap<>();
    private final Duration expiry;

    WorkerDirectory(Duration expiry) {
        this.expiry = expiry;
    }

    void heard(WorkerStatus status, Instant now) {
        workers.put(status.worker(), new Seen(status, now));
    }

    /** Forgets workers silent for longer than the expiry. */
    void expire(Instant now) {
        workers.values().removeIf(seen -> seen.at().plus(expiry).isBefore(now));
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
