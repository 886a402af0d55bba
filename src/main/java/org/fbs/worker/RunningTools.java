package org.fbs.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tool processes running on this worker, by build, so that a canceled build, a build past its time and a
 * stopping worker leave none of them behind, nor anything they started (they run as root). Each change of a build's
 * tools goes to a {@link Recorder}, so that a worker killed outright can find them after its restart.
 */
final class RunningTools {

    static final Duration GRACE = Duration.ofSeconds(10);

    /** Told the tools a build runs whenever they change, on the build's thread (the worker writes its run marker). */
    @FunctionalInterface
    interface Recorder {
        Recorder NONE = (build, tools) -> { };

        void record(long build, List<Process> tools);
    }

    private final Map<Process, Long> processes = new ConcurrentHashMap<>();
    private final Set<Long> canceled = ConcurrentHashMap.newKeySet();
    private final Recorder recorder;
    private volatile boolean stopping;

    RunningTools() {
        this(Recorder.NONE);
    }

    RunningTools(Recorder recorder) {
        this.recorder = recorder;
    }

    /**
     * Registers a started tool of {@code build}; one started after its build was canceled, or once the worker is
     * stopping, is stopped at once.
     */
    void add(long build, Process process) {
        processes.put(process, build);
        recorder.record(build, toolsOf(build));
        // cancel() marks before it looks, add() looks after it registers: a tool cannot slip between the two.
        if (canceled.contains(build) || stopping) {
            stopTrees(List.of(process));
        }
    }

    void remove(Process process) {
        Long build = processes.remove(process);
        if (build != null) {
            recorder.record(build, toolsOf(build));
        }
    }

    private List<Process> toolsOf(long build) {
        return processes.entrySet().stream().filter(e -> e.getValue() == build).map(Map.Entry::getKey).toList();
    }

    /** Marks {@code build} canceled and stops its tools with everything they started. Blocking (up to the grace). */
    void cancel(long build) {
        canceled.add(build);
        stopTrees(toolsOf(build));
    }

    boolean isCanceled(long build) {
        return canceled.contains(build);
    }

    /** Forgets a build that has ended. */
    void forget(long build) {
        canceled.remove(build);
    }

    /** Stops every tool, and any started from now on (the worker is stopping). Blocking. */
    void stopAll() {
        stopping = true;
        stopTrees(List.copyOf(processes.keySet()));
    }

    /** True once the worker is stopping: a build that ends from now on ended because of it. */
    boolean isStopping() {
        return stopping;
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

    /**
     * Stops the recorded tools of a dead worker process that still run, with everything they started; a pid that
     * now names another process (its start differs, see {@link RecordedTool}) is left alone. Blocking. Returns how many were running.
     */
    static int stopRecorded(List<RecordedTool> recorded) {
        List<ProcessHandle> all = new ArrayList<>();
        int found = 0;
        for (RecordedTool tool : recorded) {
            Optional<ProcessHandle> root = tool.find();
            if (root.isPresent()) {
                found++;
                all.addAll(root.get().descendants().toList());
                all.add(root.get());
            }
        }
        stop(all);
        return found;
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
