package org.fbs.testkit;

import java.util.List;
import org.fbs.protocol.WorkerStatus;

/**
 * A {@link WorkerStatus} as a test's worker announces it: one free slot on no address, not draining, and silent about
 * what an older worker would not say (its kinds, disk, load; its node and isolation unless the test says).
 */
public final class WorkerStatusBuilder {

    private final String worker;
    private String url;
    private List<String> addresses = List.of();
    private int slots = 1;
    private List<Long> running = List.of();
    private List<String> types;
    private String node;
    private String isolation;

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

    /** Its cluster node id. */
    public WorkerStatusBuilder node(String value) {
        node = value;
        return this;
    }

    /** {@code none} or {@code virt}. */
    public WorkerStatusBuilder isolation(String value) {
        isolation = value;
        return this;
    }

    public WorkerStatus build() {
        // Not draining, and silent about its image kinds, free disk and load, as a worker before them was.
        return new WorkerStatus(worker, url, addresses, slots, running, types, false, node, null, isolation, -1, -1,
            null);
    }
}
