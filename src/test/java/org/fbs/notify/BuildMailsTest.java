package org.fbs.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.testkit.BuildBuilder.T0;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.service.BuildChange;
import org.fbs.testkit.BuildBuilder;
import org.junit.jupiter.api.Test;

/** Which changes call for a mail: the notifier signs a build's links only for those. */
class BuildMailsTest {

    private final BuildMails mails = new BuildMails("https://fbs.example.org");
    private final JsonObject spec = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
        .put("email", "qa@example.org");

    @Test
    void aMailIsCalledForExactlyWhenOneIsWritten() {
        Build queued = BuildBuilder.queued().spec(spec).id(4).build();
        Build assigned = queued.assigned("w1", "http://w1:8081", T0.plusSeconds(1), "lease-1");
        Build running = assigned.running("side-repo", T0.plusSeconds(2), 1);
        Build nextStage = running.running("image", T0.plusSeconds(3), 2);
        Build done = nextStage.finished(BuildState.SUCCEEDED, null, List.of(), T0.plusSeconds(9), 3);
        Build requeued = nextStage.requeued("worker w1 was lost", T0.plusSeconds(5));
        Build unmailed = BuildBuilder.queued().id(5).build().assigned("w1", "http://w1:8081", T0, "lease-2")
            .running("image", T0, 1);

        List<BuildChange> quiet = List.of(new BuildChange(null, queued, List.of()),
            new BuildChange(BuildState.QUEUED, assigned, List.of()),
            new BuildChange(BuildState.RUNNING, nextStage, List.of()),
            new BuildChange(BuildState.SUCCEEDED, done, List.of()),
            new BuildChange(BuildState.ASSIGNED, unmailed, List.of()));
        List<BuildChange> mailed = List.of(new BuildChange(BuildState.ASSIGNED, running, List.of()),
            new BuildChange(BuildState.RUNNING, done, List.of("done")),
            new BuildChange(BuildState.RUNNING, requeued, List.of()));

        assertThat(quiet).allSatisfy(change -> {
            assertThat(mails.callsFor(change)).isFalse();
            assertThat(mails.about(change, T0)).isEmpty();
        });
        assertThat(mailed).allSatisfy(change -> {
            assertThat(mails.callsFor(change)).isTrue();
            assertThat(mails.about(change, T0)).isPresent();
        });
        assertThat(mails.about(mailed.get(0), T0).get().kind()).isEqualTo(BuildMails.STARTED);
        assertThat(mails.about(mailed.get(1), T0).get().kind()).isEqualTo(BuildMails.FINISHED);
        assertThat(mails.about(mailed.get(2), T0).get().kind()).isEqualTo(BuildMails.REQUEUED);
    }
}
