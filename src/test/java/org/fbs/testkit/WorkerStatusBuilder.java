package org.fbs.testkit;

import java.util.List;
import java.util.Map;
import org.fbs.protocol.WorkerStatus;

/**
 * A {@link WorkerStatus} as a test's worker announces it: one free slot on no address, not draining, and silent about
 * what an older worker would not say (kinds, node, isolation, disk, load) unless the test says.
 */
public final class WorkerStatusBuilder {

    private final String worker;
    private String url;
    private List<String> addresses = List.of();
    private int slots = 1;
    private List<Long> running = List.of();
    private List<String> types;
    private boolean draining;
    private String node;
    private Map<String, String> kinds;
    private String isolation;
    private long freeDiskBytes = -1;
    private double load = -1;
    private String declining;

    private WorkerStatusBuilder(String worker) {
        this.worker = worker;
        this.url = "http://" + worker;
    }

    /** Worker {@code worker}, at {@code http://WORKER} unless {@link #url} says else. */
    public static WorkerStatusBuilder status(String worker) {
        return new WorkerStatusBuilder(worker);
    }

    public WorkerStatusBuilder url(String value) {
        url = value;
        return this;
    }

    /** The offer addresses it listens on ({@code build.ARCH.RELEASE}). */
    public WorkerStatusBuilder addresses(String... value) {
        addresses = List.of(value);
        return this;
    }

    public WorkerStatusBuilder slots(int value) {
        slots = value;
        return this;
    }

    /** The builds it runs now. */
    public WorkerStatusBuilder running(List<Long> value) {
        running = value;
        return this;
    }

    /** The image kinds it builds; unset, it says nothing (and may be offered every kind). */
    public WorkerStatusBuilder types(String... value) {
        return types(List.of(value));
    }

    /** The image kinds it builds; null says nothing. */
    public WorkerStatusBuilder types(List<String> value) {
        types = value;
        return this;
    }

    public WorkerStatusBuilder draining(boolean value) {
        draining = value;
        return this;
    }

    /** Its cluster node id. */
    public WorkerStatusBuilder node(String value) {
        node = value;
        return this;
    }

    public WorkerStatusBuilder kinds(Map<String, String> value) {
        kinds = value;
        return this;
    }

    /** {@code none} or {@code virt}. */
    public WorkerStatusBuilder isolation(String value) {
        isolation = value;
        return this;
    }

    public WorkerStatusBuilder freeDiskBytes(long value) {
        freeDiskBytes = value;
        return this;
    }

    public WorkerStatusBuilder load(double value) {
        load = value;
        return this;
    }

    public WorkerStatusBuilder declining(String why) {
        declining = why;
        return this;
    }

    public WorkerStatus build() {
        return new WorkerStatus(worker, url, addresses, slots, running, types, draining, node, kinds, isolation,
            freeDiskBytes, load, declining);
    }
}
