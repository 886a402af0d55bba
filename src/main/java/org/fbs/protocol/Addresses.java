package org.fbs.protocol;

/** Every event-bus address FBS uses. Message shapes are the records beside this class. */
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

    /** Master-local: store a new build and queue it; replies with the stored build. */
    public static final String MASTER_SUBMIT = "fbs.master.submit";

    /** Master-local: the workers the dispatcher knows of; replies with a JSON array. */
    public static final String MASTER_WORKERS = "fbs.master.workers";

    /** Master-local, published: each stored change of a build, as a {@link BuildChange} (for notifications). */
    public static final String MASTER_BUILD_CHANGED = "fbs.master.build-changed";

    /** Master-local: cancel a build; replies with the build, or fails 404 (unknown) or 409 (already ended). */
    public static final String MASTER_CANCEL = "fbs.master.cancel";

    /** Master to one worker: stop a build it runs ({@link CancelRequest}); suffixed by the worker's id. */
    public static final String CANCEL_PREFIX = "fbs.cancel.";

    /**
     * Master-local: drain or undrain a worker, as a {@link DrainRequest}; replies with the worker as the cluster view
     * shows it, or fails 404 when no such worker is known.
     */
    public static final String MASTER_DRAIN = "fbs.master.drain";

    /** Master to one worker: drain or undrain ({@link DrainRequest}); replies with its {@link WorkerStatus}. */
    public static final String DRAIN_PREFIX = "fbs.drain.";

    /** Worker-local: new lines of one build's log, for live followers; suffixed by the build id. */
    public static final String LOG_PREFIX = "fbs.log.";

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

    public static String log(long buildId) {
        return LOG_PREFIX + buildId;
    }
}
