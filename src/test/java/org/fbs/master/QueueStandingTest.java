package org.fbs.master;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.BuildBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.QueuePlace;
import org.fbs.spec.SpecParser;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queued build's place (the dispatcher's) with the medians of the recent builds of its kind (the store's). */
class QueueStandingTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path data;
    Vertx vertx;
    AsyncBuildStore store;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        store = new AsyncBuildStore(vertx, BuildStore.open(data));
    }

    @AfterEach
    void stop() throws Exception {
        await(store.close());
        await(vertx.close());
    }

    @Test
    void theTypicalTimesAreTheMediansOfTheRecentSuccessfulBuildsOfTheSameKindArchAndRelease() throws Exception {
        ended("x86_64", BuildState.SUCCEEDED, 10, 100);
        ended("x86_64", BuildState.SUCCEEDED, 30, 300);
        ended("x86_64", BuildState.SUCCEEDED, 20, 200);
        ended("x86_64", BuildState.SUCCEEDED, 40, 400);
        // Neither a failure nor another arch counts.
        ended("x86_64", BuildState.FAILED, 9_000, 9_000);
        ended("aarch64", BuildState.SUCCEEDED, 9_000, 9_000);
        Build waiting = await(store.insert(BuildBuilder.queued().spec(spec("x86_64")).at(T0).build()));

        QueuePlace place = await(standing().of(waiting));

        assertThat(place.position()).isEqualTo(2);
        assertThat(place.typicalOf()).isEqualTo(4);
        assertThat(place.typicalWait()).isEqualTo(Duration.ofSeconds(25));
        assertThat(place.typicalBuild()).isEqualTo(Duration.ofSeconds(250));
        assertThat(place.sentence()).isEqualTo("2nd in line for x86_64/41; 1 worker, busy; builds like it lately"
            + " waited 25 s and took 4 min 10 s (median of 4)");
        assertThat(await(standing().of(await(store.get(1)).orElseThrow())))
            .as("an ended build stands nowhere").isNull();
    }

    @Test
    void theTypicalTimesAreReadOnceAndAgainOnlyAfterABuildOfTheirKindSucceeds() throws Exception {
        ended("x86_64", BuildState.SUCCEEDED, 10, 100);
        Build waiting = await(store.insert(BuildBuilder.queued().spec(spec("x86_64")).at(T0).build()));
        QueueStanding standing = standing();
        assertThat(await(standing.of(waiting)).typicalOf()).isEqualTo(1);

        // Stored without the master hearing of it: the kept times stand, whichever arch.
        ended("x86_64", BuildState.SUCCEEDED, 30, 300);
        assertThat(await(standing.of(waiting)).typicalOf()).isEqualTo(1);
        standing.succeeded(finished("aarch64", BuildState.SUCCEEDED, 1, 1).withId(99));
        assertThat(await(standing.of(waiting)).typicalOf()).as("another arch's success").isEqualTo(1);

        // Once one of its kind succeeds, they are read again.
        standing.succeeded(await(store.get(3)).orElseThrow());
        QueuePlace fresh = await(standing.of(waiting));
        assertThat(fresh.typicalOf()).isEqualTo(2);
        assertThat(fresh.typicalWait()).isEqualTo(Duration.ofSeconds(20));
    }

    /** On the store, with the dispatcher's answer played. */
    private QueueStanding standing() {
        return new QueueStanding(store, id -> Future.succeededFuture(new QueuePlace(2, 1, 1, 1, "x86_64/41")));
    }

    @Test
    void theMedianOfAnOddCountIsTheMiddleOne() {
        assertThat(QueueStanding.median(List.of(Duration.ofSeconds(9), Duration.ofSeconds(1), Duration.ofSeconds(5))))
            .isEqualTo(Duration.ofSeconds(5));
    }

    private void ended(String arch, BuildState end, int waited, int took) throws Exception {
        await(store.insert(finished(arch, end, waited, took)));
    }

    private static Build finished(String arch, BuildState end, int waited, int took) throws Exception {
        return BuildBuilder.queued().spec(spec(arch)).address("build." + arch + ".41").owner("bob").at(T0).build()
            .assigned("w1", null, T0.plusSeconds(waited), null)
            .running("image", T0.plusSeconds(waited), 1)
            .finished(end, null, List.of(), T0.plusSeconds(waited + took), 2);
    }

    private static JsonObject spec(String arch) throws Exception {
        return SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=" + arch + "\nrelease=41\n[boot]\n").toJson();
    }
}
