package org.fbs.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The tool processes running on this worker, so that a stopping worker leaves none behind (they run as root). */
final class RunningTools {

    static final Duration GRACE = Duration.ofSeconds(10);

    private final Set<Process> processes = ConcurrentHashMap.newKeySet();

    void add(Process process) {
        processes.add(process);
    }

    void remove(Process process) {
        processes.remove(process);
    }

    /** TERM to every tool and everything it started, then KILL to whatever is left after the grace period. Blocking. */
    void stopAll() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process process : processes) {
            // Children first in the list, so that none is left without a parent to be found by.
            all.addAll(process.descendants().toList());
            all.add(process.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            }
        }
    }
}
