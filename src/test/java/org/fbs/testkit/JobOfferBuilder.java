package org.fbs.testkit;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.fbs.protocol.JobOffer;

/**
 * A {@link JobOffer} as a test's master makes it: the first attempt, no isolation, and no lease or deadline (an
 * offer a worker takes at any time) unless the test says.
 */
public final class JobOfferBuilder {

    private final long build;
    private final JsonObject spec;
    private int attempt = 1;
    private boolean isolate;
    private String lease;
    private long deadline;
    private List<String> deadLeases = List.of();

    private JobOfferBuilder(long build, JsonObject spec) {
        this.build = build;
        this.spec = spec;
    }

    /** An offer of build {@code build} with its {@code spec} (as JSON). */
    public static JobOfferBuilder offer(long build, JsonObject spec) {
        return new JobOfferBuilder(build, spec);
    }

    public JobOfferBuilder attempt(int value) {
        attempt = value;
        return this;
    }

    public JobOfferBuilder isolate(boolean value) {
        isolate = value;
        return this;
    }

    public JobOfferBuilder lease(String value) {
        lease = value;
        return this;
    }

    /** Epoch milliseconds after which the offer has lapsed. */
    public JobOfferBuilder deadline(long epochMillis) {
        deadline = epochMillis;
        return this;
    }

    public JobOfferBuilder deadLeases(List<String> value) {
        deadLeases = value;
        return this;
    }

    public JobOffer build() {
        return new JobOffer(build, spec, attempt, isolate, lease, deadline, deadLeases);
    }
}
