package org.fbs.protocol;

/**
 * Every event-bus address that crosses the cluster (master and workers), and nothing master-local: the master's own
 * parts talk through {@link org.fbs.service.MasterService} and {@link org.fbs.service.BuildChanges}. Message shapes
 * are the records beside this class; {@code AddressesTest} holds each address to its record and its consumer.
 */
public final class Addresses {

    /**
     * How builds are routed: a build for one arch and release goes to a worker that announces (and consumes)
     * {@code build.<arch>.<release>}. The offers themselves go to {@link #offer one worker's own address}.
     */
    public static final String BUILD_PREFIX = "build.";

    /**
     * Master to one worker: a {@link JobOffer} (request/reply); suffixed by the worker's id. The master sends offers
     * only to workers that announced themselves on {@link #WORKERS} with a free slot, each to its own address: a
     * node that consumes the shared {@code build.*} address but never announced itself (it joined Hazelcast without
     * the event-bus key) is never asked, and a busy worker is not asked to decline.
     */
    public static final String OFFER_PREFIX = "fbs.offer.";

    /** Worker to master: progress and results, acknowledged by reply, resent until acknowledged. */
    public static final String EVENTS = "fbs.events";

    /** Worker announcements (capabilities, free slots, running builds), published. */
    public static final String WORKERS = "fbs.workers";

    /** Master to one worker: stop a build it runs ({@link CancelRequest}); suffixed by the worker's id. */
    public static final String CANCEL_PREFIX = "fbs.cancel.";

    /** Master to one worker: drain or undrain ({@link DrainRequest}); replies with its {@link WorkerStatus}. */
    public static final String DRAIN_PREFIX = "fbs.drain.";

    private Addresses() {
    }

    public static String build(String arch, String release) {
        return BUILD_PREFIX + arch + "." + release;
    }

    public static String offer(String worker) {
        return OFFER_PREFIX + worker;
    }

    public static String cancel(String worker) {
        return CANCEL_PREFIX + worker;
    }

    public static String drain(String worker) {
        return DRAIN_PREFIX + worker;
    }
}
