package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.testkit.BuildBuilder.T0;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.testkit.BuildBuilder;
import org.junit.jupiter.api.Test;

class BuildAnswersTest {

    private final Build queued = BuildBuilder.queued().id(7).build();

    private static BuildAnswers listening(int capacity) {
        BuildAnswers answers = new BuildAnswers(capacity, 1L << 30);
        answers.listening();
        return answers;
    }

    @Test
    void aViewReadWithNoChangeHeardIsKeptUntilItsBuildChanges() {
        BuildAnswers answers = listening(10);
        answers.keep(queued, answers.mark());
        assertThat(answers.get(7).build()).isEqualTo(queued);

        answers.changed(8); // another build: this one's view still holds
        assertThat(answers.get(7)).isNotNull();
        answers.changed(7);
        assertThat(answers.get(7)).isNull();
    }

    @Test
    void aViewReadWhileAChangeWasHeardIsAnsweredButNotKept() {
        // The read may have found the build before the change that was heard meanwhile: keeping it would answer a
        // state older than the store's until the build changes again, for ever once it has ended.
        BuildAnswers answers = listening(10);
        long mark = answers.mark();
        answers.changed(7);
        BuildAnswers.Kept answered = answers.keep(queued, mark);

        assertThat(answered.view().getLong("id")).isEqualTo(7L);
        assertThat(answers.get(7)).isNull();
        answers.keep(queued, answers.mark());
        assertThat(answers.get(7)).isNotNull();
    }

    @Test
    void nothingIsKeptBeforeChangesAreHeard() {
        BuildAnswers answers = new BuildAnswers(10, 1L << 30);
        answers.keep(queued, answers.mark());
        assertThat(answers.get(7)).isNull();
    }

    @Test
    void anActiveBuildsDurationsCountUpToEachAnswerAndAnEndedOnesStayPut() {
        BuildAnswers answers = listening(10);
        Build running = queued.assigned("w1", "http://w1:8081", T0.plusSeconds(60), "lease-1")
            .running("image", T0.plusSeconds(70), 1);
        BuildAnswers.Kept kept = answers.keep(running, answers.mark());

        assertThat(kept.view().containsKey("durations")).isFalse();
        assertThat(durations(kept, T0.plusSeconds(100)).getLong("totalSeconds")).isEqualTo(100L);
        assertThat(durations(kept, T0.plusSeconds(4000)).getLong("totalSeconds")).isEqualTo(4000L);
        // The answer gets them, the kept view does not.
        assertThat(kept.view().containsKey("durations")).isFalse();

        Build ended = running.finished(BuildState.SUCCEEDED, null, List.of(), T0.plusSeconds(130), 2);
        BuildAnswers.Kept done = answers.keep(ended, answers.mark());
        assertThat(durations(done, T0.plusSeconds(9000))).isEqualTo(durations(done, T0.plusSeconds(200)));
        assertThat(durations(done, T0.plusSeconds(9000)).getLong("totalSeconds")).isEqualTo(130L);
    }

    private static JsonObject durations(BuildAnswers.Kept kept, java.time.Instant now) {
        return kept.withDurations(kept.view().copy(), now).getJsonObject("durations");
    }

    @Test
    void viewsAreKeptWithinTheirMemoryBoundLeastRecentlyReadFirstOut() {
        // A kickstart of a MiB is a legal spec: a bound on the count alone would let 10,000 of them fill the heap.
        Build small = BuildBuilder.queued().id(1).build();
        long smallBytes = Kept(small).bytes();
        JsonObject bigSpec = new JsonObject().put("type", "live").put("arch", "x86_64").put("release", "41")
            .put("kickstart", "#".repeat(100_000));
        BuildAnswers answers = new BuildAnswers(100, 2 * smallBytes + 150_000);
        answers.listening();
        answers.keep(small, answers.mark());
        answers.keep(BuildBuilder.queued().id(2).build(), answers.mark());
        assertThat(answers.bytes()).isEqualTo(2 * smallBytes);

        answers.get(1);
        answers.keep(BuildBuilder.queued().spec(bigSpec).id(3).build(), answers.mark());
        assertThat(answers.get(3)).isNull(); // alone more than the bound: answered, never kept
        long bigBytes = Kept(BuildBuilder.queued().spec(bigSpec).id(3).build()).bytes();
        long bound = 2 * bigBytes + smallBytes;
        BuildAnswers roomy = new BuildAnswers(100, bound);
        roomy.listening();
        roomy.keep(small, roomy.mark());
        roomy.keep(BuildBuilder.queued().id(2).build(), roomy.mark());
        roomy.get(1);
        roomy.keep(BuildBuilder.queued().spec(bigSpec).id(3).build(), roomy.mark());
        assertThat(roomy.size()).isEqualTo(3);
        roomy.keep(BuildBuilder.queued().spec(bigSpec).id(4).build(), roomy.mark());
        // Both big ones and both small ones do not fit: the least recently read (2) goes, and the rest fit.
        assertThat(roomy.size()).isEqualTo(3);
        assertThat(roomy.bytes()).isEqualTo(bound).isEqualTo(smallBytes + 2 * bigBytes);
        assertThat(roomy.get(2)).isNull();
        assertThat(roomy.get(1)).isNotNull();
        assertThat(roomy.get(3)).isNotNull();
        assertThat(roomy.get(4)).isNotNull();
        roomy.changed(3);
        assertThat(roomy.bytes()).isEqualTo(smallBytes + bigBytes);
    }

    private static BuildAnswers.Kept Kept(Build build) {
        return BuildAnswers.Kept.of(build);
    }

    @Test
    void theLeastRecentlyReadGoesFirstWhenFull() {
        BuildAnswers answers = listening(2);
        for (long id = 1; id <= 2; id++) {
            answers.keep(BuildBuilder.queued().id(id).build(), answers.mark());
        }
        answers.get(1);
        answers.keep(BuildBuilder.queued().id(3).build(), answers.mark());

        assertThat(answers.get(1)).isNotNull();
        assertThat(answers.get(2)).isNull();
        assertThat(answers.get(3)).isNotNull();
        assertThat(answers.size()).isEqualTo(2);
    }
}
