package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.BuildTimes;
import org.fbs.build.ImageKinds;
import org.fbs.build.QueuePlace;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildQuery;

/**
 * Where a queued build stands, for the API and its page: its place in line (the dispatcher's) and how long builds of
 * its kind, arch and release usually wait and take (the medians of the recent successful ones in the store).
 */
final class QueueStanding {

    /** How many recent successful builds of a kind the medians are of. */
    static final int RECENT = 20;
    /** How many recent builds of a type, arch and release are read to find those of the same kind. */
    private static final int READ = 100;

    private final AsyncBuildStore store;
    private final LongFunction<Future<QueuePlace>> dispatcher;
    /**
     * The recent times of each kind, type, arch and release, read once and kept until a build of theirs succeeds
     * ({@link #succeeded}): every read of a queued build needs them, and a store query each time would cap such
     * reads at what the store's one thread does.
     */
    private final Map<String, Future<List<BuildTimes>>> recent = new ConcurrentHashMap<>();

    /** @param dispatcher the dispatcher's place for a queued build, without typical times; null when it does not say */
    QueueStanding(AsyncBuildStore store, LongFunction<Future<QueuePlace>> dispatcher) {
        this.store = store;
        this.dispatcher = dispatcher;
    }

    /** The build's place with the typical times, or null when it is not queued (or the dispatcher does not say). */
    Future<QueuePlace> of(Build build) {
        if (build.state() != BuildState.QUEUED) {
            return Future.succeededFuture(null);
        }
        return dispatcher.apply(build.id())
            .transform(asked -> {
                if (asked.failed() || asked.result() == null) {
                    return Future.succeededFuture(null);
                }
                QueuePlace place = asked.result();
                return typical(build).map(recent -> recent.isEmpty() ? place
                    : place.withTypical(median(recent.stream().map(BuildTimes::queued).toList()),
                        median(recent.stream().map(BuildTimes::built).toList()), recent.size()));
            });
    }

    /** A build has succeeded: the times of its kind, arch and release are read again when next asked for. */
    void succeeded(Build build) {
        recent.remove(groupOf(build));
    }

    private static String groupOf(Build build) {
        JsonObject spec = build.spec();
        return ImageKinds.of(spec).name() + "\n" + spec.getString("type") + "\n" + spec.getValue("arch") + "\n"
            + spec.getValue("release");
    }

    /** The times of the recent successful builds of the same kind, arch and release, newest first. */
    private Future<List<BuildTimes>> typical(Build build) {
        String group = groupOf(build);
        Future<List<BuildTimes>> kept = recent.get(group);
        if (kept != null) {
            return kept;
        }
        Future<List<BuildTimes>> read = read(build);
        recent.put(group, read);
        // A failed read is not kept: the next reader tries again.
        return read.onFailure(e -> recent.remove(group, read));
    }

    private Future<List<BuildTimes>> read(Build build) {
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
