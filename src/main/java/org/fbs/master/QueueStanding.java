package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.BuildTimes;
import org.fbs.build.ImageKinds;
import org.fbs.build.QueuePlace;
import org.fbs.protocol.Addresses;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildQuery;

/**
 * Where a queued build stands, for the API and its page: its place in line (the dispatcher's) and how long builds of
 * its kind, arch and release usually wait and take (the medians of the recent successful ones in the store).
 */
public final class QueueStanding {

    /** How many recent successful builds of a kind the medians are of. */
    static final int RECENT = 20;
    /** How many recent builds of a type, arch and release are read to find those of the same kind. */
    private static final int READ = 100;
    private static final long ASK_TIMEOUT_MS = 2_000;

    private final Vertx vertx;
    private final AsyncBuildStore store;

    public QueueStanding(Vertx vertx, AsyncBuildStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    /** The build's place with the typical times, or null when it is not queued (or the dispatcher does not say). */
    public Future<QueuePlace> of(Build build) {
        if (build.state() != BuildState.QUEUED) {
            return Future.succeededFuture(null);
        }
        return vertx.eventBus().<JsonObject>request(Addresses.MASTER_QUEUE, new JsonObject().put("build", build.id()),
                new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS))
            .transform(asked -> {
                if (asked.failed() || asked.result().body() == null) {
                    return Future.succeededFuture(null);
                }
                QueuePlace place = QueuePlace.fromJson(asked.result().body());
                return typical(build).map(recent -> recent.isEmpty() ? place
                    : place.withTypical(median(recent.stream().map(BuildTimes::queued).toList()),
                        median(recent.stream().map(BuildTimes::built).toList()), recent.size()));
            });
    }

    /** The times of the recent successful builds of the same kind, arch and release, newest first. */
    private Future<List<BuildTimes>> typical(Build build) {
        String kind = ImageKinds.of(build.spec()).name();
        JsonObject spec = build.spec();
        BuildQuery query = new BuildQuery(null, BuildState.SUCCEEDED, spec.getString("type"),
            String.valueOf(spec.getValue("arch")), String.valueOf(spec.getValue("release")), READ);
        return store.list(query).map(found -> found.stream()
            .filter(b -> ImageKinds.of(b.spec()).name().equals(kind))
            .limit(RECENT)
            .map(b -> BuildTimes.of(b, Instant.EPOCH)) // ended: their times do not depend on now
            .toList());
    }

    /** The middle value (the mean of the two middle ones for an even count); values must not be empty. */
    static Duration median(List<Duration> values) {
        List<Duration> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }
}
