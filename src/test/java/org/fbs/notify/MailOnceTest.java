package org.fbs.notify;

import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import org.fbs.testkit.BuildBuilder;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.config.MasterSettings;
import org.fbs.service.BuildChange;
import org.fbs.service.BuildChanges;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;
import org.fbs.store.OutboxMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One mail per change, however often the change is seen: kept by the dispatcher with the change, heard again by the
 * notifier, seen again after a restart.
 */
class MailOnceTest {

    static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");

    @TempDir
    Path data;
    Vertx vertx = Vertx.vertx();
    AsyncBuildStore store;
    GreenMail smtp;
    Notifier notifier;

    @BeforeEach
    void start() throws Exception {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        store = new AsyncBuildStore(vertx, BuildStore.open(data));
        MasterSettings settings = MasterSettingsBuilder.master(data)
            .smtp(new JsonObject().put("host", "127.0.0.1").put("port", smtp.getSmtp().getPort())
                .put("starttls", "disabled").put("from", "fbs@example.org")).build();
        notifier = new Notifier(settings, store, Duration.ofMillis(200), 100);
        await(vertx.deployVerticle(notifier));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
        smtp.stop();
    }

    Build stored() throws Exception {
        JsonObject spec = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
            .put("email", "qa@example.org").put("boot", new JsonObject().put("product", "Fedora"));
        return await(store.insert(BuildBuilder.queued().spec(spec).at(T0).build()));
    }

    @Test
    void aChangeKeptWithItsMailAndPublishedTwiceMailsOnce() throws Exception {
        Build running = stored().assigned("w1", "http://w1/log/1", T0, null).running("image", T0, 1);
        Build done = running.finished(BuildState.SUCCEEDED, null, List.of(), T0.plusSeconds(60), 2);
        BuildChange change = new BuildChange(BuildState.RUNNING, done, List.of("last line"));

        // As the dispatcher does: the change and its mail in one transaction, then the change is published.
        await(store.update(done, notifier.mailAbout(change)));
        BuildChanges.publish(vertx, change);
        // The same change again (say the worker's final event was resent and applied by a restarted master).
        await(store.update(done, notifier.mailAbout(change)));
        BuildChanges.publish(vertx, change);

        until("the mail sent", () -> smtp.getReceivedMessages().length >= 1
            && mails().stream().allMatch(m -> m.status() == OutboxMail.Status.SENT));
        // A later sweep must not send it again either.
        Thread.sleep(300); // three sweeps of the notifier (every 100 ms)
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(mails()).extracting(OutboxMail::key).containsExactly(done.id() + "/finished");
    }

    @Test
    void eachAttemptHasItsOwnStartAndRequeueMail() throws Exception {
        Build first = stored().assigned("w1", "http://w1/log/1", T0, null).running("image", T0, 1);
        Build requeued = first.requeued("worker w1 was lost", T0.plusSeconds(5));
        Build second = requeued.assigned("w2", "http://w2/log/1", T0.plusSeconds(6), null).running("image", T0, 1);

        Optional<OutboxMail> startFirst = notifier.mailAbout(new BuildChange(BuildState.ASSIGNED, first, List.of()));
        Optional<OutboxMail> requeue = notifier.mailAbout(new BuildChange(BuildState.RUNNING, requeued, List.of()));
        Optional<OutboxMail> startSecond = notifier.mailAbout(new BuildChange(BuildState.ASSIGNED, second, List.of()));

        assertThat(List.of(startFirst, requeue, startSecond)).allMatch(Optional::isPresent);
        long id = first.id();
        assertThat(List.of(startFirst.get().key(), requeue.get().key(), startSecond.get().key()))
            .containsExactly(id + "/started/1", id + "/requeued/1", id + "/started/2");
        assertThat(requeued.attempt()).isEqualTo(1);
        assertThat(requeued.lastSeq()).isZero();
        assertThat(second.attempt()).isEqualTo(2);
    }

    List<OutboxMail> mails() {
        try {
            return await(store.mails(100));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
