package org.fbs.notify;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import org.fbs.testkit.BuildBuilder;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.fbs.testkit.Waits;
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
 * The notifier against a real SMTP server (Exim, see {@link EximServer}) that refuses some recipients the way a
 * real one does: with 550 for an unknown user, 451 for a passing trouble.
 */
class EximMailTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");

    @TempDir
    Path data;
    @TempDir
    Path eximDir;

    private final Vertx vertx = Vertx.vertx();
    private AsyncBuildStore store;
    private EximServer exim;

    @BeforeEach
    void start() throws Exception {
        store = new AsyncBuildStore(vertx, BuildStore.open(data));
        exim = EximServer.start(eximDir);
        MasterSettings settings = MasterSettingsBuilder.master(data).publicUrl("https://fbs.example.org")
            .smtp(new JsonObject().put("host", "127.0.0.1").put("port", exim.port)
                .put("starttls", "disabled").put("from", "fbs@example.org")).build();
        await(vertx.deployVerticle(new Notifier(settings, store, Duration.ofMillis(200), 100),
            new DeploymentOptions()));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
        exim.close();
    }

    @Test
    void aRecipientRefusedWith550DoesNotHoldUpTheOthersAndIsNamedInTheOutbox() throws Exception {
        publishStart("qa@example.org, refused-bob@example.org, dev@example.org");

        untilExim("the mail recorded as sent", () -> !mails().isEmpty()
            && mails().get(0).status() == OutboxMail.Status.SENT);
        untilExim("both copies delivered", () -> delivered().size() == 2);
        OutboxMail mail = mails().get(0);
        assertThat(mail.attempts()).as("sent on the first try, not retried").isZero();
        assertThat(mail.rejected()).containsExactly("refused-bob@example.org");
        assertThat(mail.lastError()).contains("refused-bob@example.org");
        assertThat(mail.toJson().getJsonArray("rejected")).containsExactly("refused-bob@example.org");

        List<String> envelopes = new ArrayList<>();
        for (MimeMessage m : delivered()) {
            envelopes.add(m.getHeader("Envelope-to", null));
            assertThat(m.getMessageID()).isEqualTo("<fbs.7.started.1@fbs.example.org>");
            assertThat(NotifierTest.part(m, "text/plain")).contains("Build: https://fbs.example.org/builds/7");
        }
        assertThat(envelopes).containsExactlyInAnyOrder("qa@example.org", "dev@example.org");
        assertThat(exim.output()).contains("rejected RCPT <refused-bob@example.org>: no such user here");
    }

    @Test
    void aMailWhoseEveryRecipientIsRefusedFor550IsGivenUpAtOnce() throws Exception {
        publishStart("refused-a@example.org, refused-b@example.org");

        untilExim("the mail given up",
            () -> !mails().isEmpty() && mails().get(0).status() == OutboxMail.Status.GAVE_UP);
        Thread.sleep(1000); // five retry periods: a retried mail would have had its next attempt by now
        OutboxMail mail = mails().get(0);
        assertThat(mail.status()).isEqualTo(OutboxMail.Status.GAVE_UP);
        assertThat(mail.attempts()).isEqualTo(1);
        assertThat(mail.rejected()).containsExactly("refused-a@example.org", "refused-b@example.org");
        assertThat(mail.lastError()).contains("550");
        assertThat(delivered()).isEmpty();
    }

    @Test
    void aRecipientRefusedFor451OnlyIsTriedAgain() throws Exception {
        publishStart("busy-carol@example.org");

        untilExim("a second attempt", () -> !mails().isEmpty() && mails().get(0).attempts() >= 2);
        OutboxMail mail = mails().get(0);
        assertThat(mail.status()).isIn(OutboxMail.Status.PENDING, OutboxMail.Status.SENDING);
        assertThat(mail.lastError()).contains("451");
        assertThat(delivered()).isEmpty();
    }

    @Test
    void aMailRefusedWith550AfterItsDataIsGivenUpAtOnce() throws Exception {
        publishStart("qa@example.org", "Spammy");

        untilExim("the mail given up",
            () -> !mails().isEmpty() && mails().get(0).status() == OutboxMail.Status.GAVE_UP);
        Thread.sleep(1000); // five retry periods
        OutboxMail mail = mails().get(0);
        assertThat(mail.attempts()).isEqualTo(1);
        assertThat(mail.lastError()).contains("550", "refused as spam");
        assertThat(mail.rejected()).as("no recipient was refused: the message was").isEmpty();
        assertThat(delivered()).isEmpty();
    }

    private void publishStart(String email) {
        publishStart(email, "Fedora");
    }

    private void publishStart(String email, String product) {
        JsonObject spec = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
            .put("email", email).put("boot", new JsonObject().put("product", product));
        Build running = BuildBuilder.queued().spec(spec).at(T0).id(7).build()
            .assigned("w1", "http://w1.example.org:5100/log/7", T0.plusSeconds(1), null)
            .running("side-repo", T0.plusSeconds(2), 1);
        BuildChanges.publish(vertx, new BuildChange(BuildState.ASSIGNED, running, List.of()));
    }

    private List<MimeMessage> delivered() {
        try {
            return exim.delivered();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<OutboxMail> mails() {
        try {
            return await(store.mails(10));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code check}; when it never holds, the failure shows the outbox and what exim said. */
    private void untilExim(String what, BooleanSupplier check) throws Exception {
        Waits.until(what, Waits.PATIENCE, check, () -> "outbox " + mails() + "; exim:\n" + exim.output());
    }
}
