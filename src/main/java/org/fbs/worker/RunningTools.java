package org.fbs.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tool processes running on this worker, by build, so that a canceled build, a build past its time and a
 * stopping worker leave none of them behind, nor anything they started (they run as root).
 */
final class RunningTools {

    static final Duration GRACE = Duration.ofSeconds(10);

    private final Map<Process, Long> processes = new ConcurrentHashMap<>();
    private final Set<Long> canceled = ConcurrentHashMap.newKeySet();

    /** Registers a started tool of {@code build}; one started after its build was canceled is stopped at once. */
    void add(long build, Process process) {
        processes.put(process, build);
        // cancel() marks before it looks, add() looks after it registers: a tool cannot slip between the two.
        if (canceled.contains(build)) {
            stopTrees(List.of(process));
        }
    }

    void remove(Process process) {
        processes.remove(process);
    }

    /** Marks {@code build} canceled and stops its tools with everything they started. Blocking (up to the grace). */
    void cancel(long build) {
        canceled.add(build);
        stopTrees(processes.entrySet().stream().filter(e -> e.getValue() == build).map(Map.Entry::getKey).toList());
    }

    boolean isCanceled(long build) {
        return canceled.contains(build);
    }

    /** Forgets a build that has ended. */
    void forget(long build) {
        canceled.remove(build);
    }

    /** Stops every tool (the worker is stopping). Blocking. */
    void stopAll() {
        stopTrees(List.copyOf(processes.keySet()));
    }

    /**
     * TERM to each process and everything it started, then KILL to whatever is left after the grace period.
     * The tree is read before the first signal: a child whose parent dies is re-parented and could not be found.
     */
    static void stopTrees(List<Process> roots) {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process process : roots) {
            // Children first in the list, so that none is left without a parent to be found by.
            all.addAll(process.descendants().toList());
            all.add(process.toHandle());
        }
        stop(all);
    }

    /** TERM to each process, then KILL to those still there after the grace period. Blocking. */
    static void stop(List<ProcessHandle> all) {
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
