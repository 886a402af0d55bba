package org.fbs.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fbs.testkit.BuildBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.protocol.BuildEvent;
import org.junit.jupiter.api.Test;

/** The queue's rules on their own: no master, no event bus, no store, no clock. */
class BuildQueueTest {

    static final String X86 = "build.x86_64.41";
    static final String ARM = "build.aarch64.41";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** The kind is in the spec under "kind", so that a test can say it without a real spec. */
    final BuildQueue queue = new BuildQueue(b -> b.spec().getString("kind"), 3, 2);
    final List<String> waits = new ArrayList<>();
    long nextId = 1;

    Build queued(String address, String kind, String owner) {
        Build b = BuildBuilder.queued().spec(new JsonObject().put("kind", kind)).address(address).owner(owner).at(T0)
            .id(nextId++).build();
        queue.put(b);
        return b;
    }

    Build take(String address, BuildQueue.Workers workers) {
        return queue.takeNext(address, workers, (lane, why) -> waits.add(lane.kind() + ": " + why));
    }

    static final BuildQueue.Workers ANY = lane -> null;

    @Test
    void offersTheOldestBuildOfAnAddressOnceAtATime() {
        Build a = queued(X86, "boot", "ann");
        Build b = queued(X86, "boot", "bob");
        queued(ARM, "boot", "ann");

        assertThat(take(X86, ANY).id()).isEqualTo(a.id());
        assertThat(queue.beingOffered(a.id())).isTrue();
        assertThat(take(X86, ANY).id()).isEqualTo(b.id());
        assertThat(take(X86, ANY)).isNull();
        // Declined: it waits its turn again, ahead of the newer ones.
        queue.offerEnded(a.id());
        assertThat(take(X86, ANY).id()).isEqualTo(a.id());
    }

    @Test
    void aPlaceInLineCountsTheOlderQueuedBuildsOfTheSameAddressOnly() {
        Build a = queued(X86, "boot", "ann");
        queued(ARM, "boot", "ann");
        Build b = queued(X86, "dvd", "bob");
        Build c = queued(X86, "boot", "bob");

        assertThat(queue.ahead(a.id())).isZero();
        assertThat(queue.ahead(b.id())).isEqualTo(1);
        assertThat(queue.ahead(c.id())).isEqualTo(2);
        // Being offered, a build is still in line; once a worker has it, it is not.
        assertThat(take(X86, ANY).id()).isEqualTo(a.id());
        assertThat(queue.ahead(c.id())).isEqualTo(2);
        Build held = a.assigned("w1", null, T0, "L1");
        queue.put(held);
        queue.offerEnded(a.id());
        assertThat(queue.ahead(b.id())).isZero();
        assertThat(queue.ahead(c.id())).isEqualTo(1);
        // Back in the queue after its worker was lost: first in line again, by its age.
        queue.put(queue.afterLoss(held, "worker w1 was lost", T0));
        assertThat(queue.ahead(c.id())).isEqualTo(2);
        assertThat(queue.ahead(a.id())).isZero();
    }

    @Test
    void placesInLineStayRightThroughAnyMixOfArrivalsCancelsAndTakes() {
        BuildQueue big = new BuildQueue(b -> b.spec().getString("kind"), 10_000, 2);
        java.util.Random random = new java.util.Random(18);
        java.util.TreeMap<Long, Build> queued = new java.util.TreeMap<>();
        long id = 1;
        for (int step = 0; step < 400; step++) {
            int what = random.nextInt(10);
            if (what < 6 || queued.isEmpty()) {
                Build b = Build.queued(new JsonObject().put("kind", "boot"), random.nextBoolean() ? X86 : ARM, "ann",
                    false, T0).withId(id++);
                big.put(b);
                queued.put(b.id(), b);
            } else {
                // The oldest one taken by a worker (the usual case), or any one canceled.
                Build gone = what < 8 ? queued.firstEntry().getValue()
                    : new ArrayList<>(queued.values()).get(random.nextInt(queued.size()));
                big.put(what < 8 ? gone.assigned("w1", null, T0, "L" + step)
                    : gone.finished(BuildState.CANCELED, "canceled", List.of(), T0, 0));
                queued.remove(gone.id());
            }
            for (Build b : queued.values()) {
                long older = queued.headMap(b.id()).values().stream().filter(o -> o.address().equals(b.address()))
                    .count();
                assertThat(big.ahead(b.id())).as("step %d, build %d", step, b.id()).isEqualTo(older);
            }
        }
    }

    @Test
    void aLaneNoWorkerServesIsSkippedWithItsReasonAndDoesNotHoldUpTheOthers() {
        Build dvd = queued(X86, "dvd", "ann");
        Build boot = queued(X86, "boot", "ann");
        BuildQueue.Workers noDvd = lane -> lane.kind().equals("dvd") ? "no pungi" : null;

        assertThat(take(X86, noDvd).id()).isEqualTo(boot.id());
        assertThat(waits).containsExactly("dvd: no pungi");
        assertThat(queue.laneWaits(queue.laneOf(dvd.id()), "no pungi")).extracting(Build::reason)
            .containsExactly("no pungi");
        // The same reason again walks nothing: nothing would change.
        assertThat(queue.laneWaits(queue.laneOf(dvd.id()), "no pungi")).isEmpty();
    }

    @Test
    void countsQueuedBuildsPerOwnerAndRefusesPastTheLimit() {
        queued(X86, "boot", "ann");
        queued(X86, "boot", "ann");
        Build third = queued(X86, "boot", "ann");
        queued(X86, "boot", "bob");

        assertThat(queue.queuedBy("ann")).isEqualTo(3);
        assertThat(queue.refusal("ann")).contains("ann already has 3 builds waiting").contains("(3)");
        assertThat(queue.refusal("bob")).isNull();
        // Assigned builds no longer count against the owner.
        queue.put(third.assigned("w1", null, T0, "lease-1"));
        assertThat(queue.queuedBy("ann")).isEqualTo(2);
        assertThat(queue.refusal("ann")).isNull();
    }

    @Test
    void illegalStateChangesAreRefused() {
        Build b = queued(X86, "boot", "ann");
        Build running = b.assigned("w1", null, T0, "L1").running("image", T0, 1);
        queue.put(b.assigned("w1", null, T0, "L1"));
        queue.put(running);
        assertThatThrownBy(() -> queue.put(running.assigned("w2", null, T0, "L2")))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot go from RUNNING to ASSIGNED");
        Build done = running.finished(BuildState.SUCCEEDED, null, List.of(), T0, 2);
        queue.put(done);
        assertThat(queue.get(b.id())).isNull();
        assertThat(BuildState.SUCCEEDED.canBecome(BuildState.QUEUED)).isFalse();
        assertThat(BuildState.QUEUED.canBecome(BuildState.RUNNING)).isFalse();
    }

    @Test
    void aLostWorkersBuildIsRequeuedWithItsLeaseDeadUntilTheRetriesAreUsedUp() {
        Build b = queued(X86, "boot", "ann");
        Build held = b.assigned("w1", null, T0, "L1");
        queue.put(held);
        assertThat(queue.heldBy("w1")).extracting(Build::id).containsExactly(b.id());

        Build again = queue.afterLoss(held, "worker w1 was lost", T0);
        assertThat(again.state()).isEqualTo(BuildState.QUEUED);
        assertThat(again.lease()).isNull();
        assertThat(again.deadLeases()).containsExactly("L1");
        queue.put(again);
        assertThat(queue.heldBy("w1")).isEmpty();
        assertThat(take(X86, ANY).id()).isEqualTo(b.id());

        Build third = again.assigned("w2", null, T0, "L2").requeued("lost", T0).assigned("w3", null, T0, "L3");
        assertThat(third.attempt()).isEqualTo(3);
        Build failed = queue.afterLoss(third, "worker w3 was lost", T0);
        assertThat(failed.state()).isEqualTo(BuildState.FAILED);
        assertThat(failed.reason()).isEqualTo("worker w3 was lost during attempt 3 of 3; no retries left");
    }

    BuildEvent event(Build b, String worker, String lease, long seq, BuildEvent.Kind kind) {
        return BuildEventBuilder.event(b.id(), kind).attempt(b.attempt()).seq(seq).worker(worker)
            .stage(kind == BuildEvent.Kind.STAGE ? "image" : null).at(T0).lease(lease).build();
    }

    @Test
    void onlyEventsOfTheCurrentLeaseFromItsHolderApply() {
        Build b = queued(X86, "boot", "ann");
        Build first = b.assigned("w1", null, T0, "L1");
        queue.put(first);
        Build second = queue.afterLoss(first, "lost", T0).assigned("w2", null, T0, "L2");
        queue.put(queue.afterLoss(first, "lost", T0));
        queue.put(second);

        // The lost worker's run, back from a partition: same build, an old lease.
        assertThat(queue.judge(event(first, "w1", "L1", 5, BuildEvent.Kind.CANCELED)).verdict())
            .isEqualTo(BuildQueue.Verdict.STALE);
        // A second copy with the current attempt number but a lease the master gave up on (a lapsed offer).
        assertThat(queue.judge(event(second, "w1", "L2-lapsed", 1, BuildEvent.Kind.STAGE)).verdict())
            .isEqualTo(BuildQueue.Verdict.STALE);
        // The lease, from someone who does not hold it.
        assertThat(queue.judge(event(second, "w-intruder", "L2", 9, BuildEvent.Kind.SUCCEEDED)).verdict())
            .isEqualTo(BuildQueue.Verdict.FOREIGN);

        BuildQueue.Judged stage = queue.judge(event(second, "w2", "L2", 1, BuildEvent.Kind.STAGE));
        assertThat(stage.verdict()).isEqualTo(BuildQueue.Verdict.APPLY);
        queue.put(stage.next());
        assertThat(queue.judge(event(second, "w2", "L2", 1, BuildEvent.Kind.STAGE)).verdict())
            .isEqualTo(BuildQueue.Verdict.DONE);
        BuildQueue.Judged end = queue.judge(event(second, "w2", "L2", 2, BuildEvent.Kind.SUCCEEDED));
        assertThat(end.next().state()).isEqualTo(BuildState.SUCCEEDED);
        queue.put(end.next());
        assertThat(queue.judge(event(second, "w2", "L2", 3, BuildEvent.Kind.FAILED)).verdict())
            .isEqualTo(BuildQueue.Verdict.STALE);
    }

    @Test
    void takingTheNextBuildDoesNotWalkTheQueue() {
        // 100,000 queued builds of one kind, plus one of another kind no worker serves, at the head.
        BuildQueue big = new BuildQueue(b -> b.spec().getString("kind"), Integer.MAX_VALUE, 2);
        big.put(BuildBuilder.queued().spec(new JsonObject().put("kind", "dvd")).address(X86).owner("ann").at(T0).id(1)
            .build());
        for (long id = 2; id <= 100_001; id++) {
            big.put(BuildBuilder.queued().spec(new JsonObject().put("kind", "boot")).address(X86)
                .owner("u" + (id % 1000)).at(T0).id(id).build());
        }
        int[] asked = {0};
        BuildQueue.Workers counting = lane -> {
            asked[0]++;
            return lane.kind().equals("dvd") ? "no pungi" : null;
        };
        for (long expected = 2; expected <= 10_001; expected++) {
            assertThat(big.takeNext(X86, counting, (lane, why) -> { }).id()).isEqualTo(expected);
        }
        // Two lanes asked per offer, whatever the queue's length: no build is looked at but the one taken.
        assertThat(asked[0]).isEqualTo(20_000);
        assertThat(big.queuedBy("u7")).isEqualTo(100);
    }
}
