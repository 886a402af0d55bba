package org.fbs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Master to one worker on {@code fbs.offer.<worker>}: "will you run this build?". Answered by {@link OfferReply}.
 *
 * <p>Each offer is a lease: {@code lease} names this one assignment (a fresh id per offer, never reused), and the
 * worker stamps it on every event of the run; the master applies events only of the build's current lease. The
 * offer holds until {@code deadline} (the master's clock, epoch milliseconds): a worker refuses it later, so an
 * offer held up by a partition cannot start a run the master has long given up on.
 *
 * @param attempt which attempt of the build this is (1 for the first worker, more after a lost one): for people
 * @param isolate the build runs its owner's code (a kickstart or kiwi description) and its owner is not trusted:
 *                only a worker whose {@code worker.isolation} covers its image kind may take it (absent: false)
 * @param lease   the id of this assignment; null from a master that does not make leases
 * @param deadline when the offer lapses, epoch ms of the master's clock; 0 for never (a master without leases)
 * @param deadLeases the earlier leases of this build that the master has declared dead: only their staging folder
 *                   may be taken over by this run
 */
public record JobOffer(long buildId, JsonObject spec, int attempt, boolean isolate, String lease, long deadline,
                       List<String> deadLeases) {

    /**
     * How far a worker's clock may lag the master's before a lapsed offer could still be taken: a worker refuses an
     * offer once its own clock is past the deadline plus this. Clocks are kept by NTP (well under a second): a worker
     * whose clock lags by more could take an offer up to that lag late; one whose clock runs ahead refuses offers
     * early, which costs only a new offer. The master also declares an unanswered offer's lease dead, so a run taken
     * that late is stopped at its first event.
     */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(2);

    public JobOffer {
        deadLeases = List.copyOf(deadLeases);
    }

    /**
     * Whether the offer has lapsed at {@code now} on the receiver's clock, allowing {@code skew} for the difference
     * between the two clocks: an offer is refused at most {@code skew} too early, or taken at most that late.
     */
    public boolean lapsed(Instant now, Duration skew) {
        return deadline > 0 && now.toEpochMilli() > deadline + skew.toMillis();
    }

    public JsonObject toJson() {
        return new JsonObject().put("build", buildId).put("spec", spec).put("attempt", attempt)
            .put("isolate", isolate).put("lease", lease).put("deadline", deadline)
            .put("deadLeases", new JsonArray(deadLeases));
    }

    public static JobOffer fromJson(JsonObject json) {
        return new JobOffer(json.getLong("build"), json.getJsonObject("spec"), json.getInteger("attempt", 1),
            json.getBoolean("isolate", false), json.getString("lease"), json.getLong("deadline", 0L),
            json.getJsonArray("deadLeases", new JsonArray()).stream().map(String::valueOf).toList());
    }
}
