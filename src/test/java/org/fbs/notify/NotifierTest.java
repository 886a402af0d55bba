package org.fbs.notify;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import org.fbs.testkit.BuildBuilder;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.fbs.build.Artifact;
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
 * The notifier with a real store and a real SMTP server (GreenMail); the test plays the dispatcher, publishing
 * build changes as it does.
 */
class NotifierTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
    private static final String LOG_URL = "http://w1.example.org:5100/log/7";

    @TempDir
    Path data;

    private final Vertx vertx = Vertx.vertx();
    private AsyncBuildStore store;
    private GreenMail smtp;

    @BeforeEach
    void openStore() throws Exception {
        store = new AsyncBuildStore(vertx, BuildStore.open(data));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void startAndFinishMailsReachEveryRecipientWithTheirContentAndLinks() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        deploy(smtpConfig(smtp.getSmtp().getPort()));
        Build running = running(spec("qa@example.org, dev@example.org"));

        publish(new BuildChange(BuildState.ASSIGNED, running, List.of()));
        received(2, "the start mail, to both");
        String folder = "ftp://bob@ftp.example.org/pub/Fedora-x86_64-41-7/";
        Build done = running.finished(BuildState.SUCCEEDED, null, List.of(
            new Artifact("boot.iso", 1234, "ab".repeat(32), folder + "boot.iso"),
            new Artifact("build-7.log", 99, "cd".repeat(32), folder + "build-7.log")), T0.plusSeconds(3723), 4);
        List<String> tail = IntStream.rangeClosed(1, 50).mapToObj(i -> "log line " + i).toList();
        publish(new BuildChange(BuildState.RUNNING, done, tail));
        received(4, "the finish mail, to both");

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).as("one copy per recipient of each mail").hasSize(4);
        for (MimeMessage m : received) {
            assertThat(m.getAllRecipients()).extracting(Object::toString)
                .containsExactly("qa@example.org", "dev@example.org");
            assertThat(m.getFrom()[0].toString()).isEqualTo("fbs@example.org");
        }

        MimeMessage start = withSubject(received, "started");
        assertThat(start.getSubject()).isEqualTo("[FBS] build 7 started: Fedora boot x86_64/41");
        assertThat(part(start, "text/plain"))
            .contains("Build 7 (Fedora boot x86_64/41) has started on worker w1.")
            .contains("Live log: " + LOG_URL)
            .contains("Build: http://master.example.org/builds/7")
            .contains("Results go to: ftp://bob:***@ftp.example.org/pub")
            .doesNotContain("hunter2");
        // The worker's link, signed by the master (the worker serves nothing without it).
        assertThat(part(start, "text/html")).contains("<a href=\"" + LOG_URL + "?expires=");

        MimeMessage end = withSubject(received, "SUCCEEDED");
        assertThat(end.getSubject()).isEqualTo("[FBS] build 7 SUCCEEDED: Fedora boot x86_64/41");
        String text = part(end, "text/plain");
        assertThat(text)
            .startsWith("Build 7 (Fedora boot x86_64/41) succeeded.")
            .contains("State: SUCCEEDED", "Worker: w1", "Duration: 1 h 02 min 03 s (queued 1 s, built 1 h 02 min 02 s)", "Full log: " + LOG_URL)
            .contains("boot.iso: 1234 bytes, SHA256 " + "ab".repeat(32))
            .contains("boot.iso is at: ftp://bob@ftp.example.org/pub/Fedora-x86_64-41-7/boot.iso")
            .contains("The last 50 lines of the log:\n  log line 1\n  log line 2\n")
            .doesNotContain("hunter2");
        assertThat(text.strip()).endsWith("  log line 49\n  log line 50");
        assertThat(part(end, "text/html")).contains("<pre>log line 1\n", "log line 50\n</pre>",
            "<a href=\"" + LOG_URL + "?expires=");
        assertThat(mails()).extracting(OutboxMail::status).containsOnly(OutboxMail.Status.SENT);
    }

    @Test
    void aFailureMailGivesTheReasonFirst() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        deploy(smtpConfig(smtp.getSmtp().getPort()));
        Build failed = running(spec("qa@example.org")).finished(BuildState.FAILED,
            "FTP server ftp.example.org:21 refused the login of user 'bob'", List.of(), T0.plusSeconds(60), 3);

        publish(new BuildChange(BuildState.RUNNING, failed, List.of("build failed: FTP server refused the login")));

        received(1, "the mail");
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[FBS] build 7 FAILED: Fedora boot x86_64/41");
        assertThat(part(mail, "text/plain"))
            .startsWith("Build 7 FAILED: FTP server ftp.example.org:21 refused the login of user 'bob'\n")
            .contains("build failed: FTP server refused the login");
    }

    @Test
    void aMultiLineReasonKeepsItsLinesInHtmlAndTheTextDoesNotRepeatItInTheLogTail() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        deploy(smtpConfig(smtp.getSmtp().getPort()));
        String reason = "pungi exited with status 1\nmissing package: <anaconda>\ndepsolving failed";
        Build failed = running(spec("qa@example.org")).finished(BuildState.FAILED, reason, List.of(),
            T0.plusSeconds(60), 3);

        publish(new BuildChange(BuildState.RUNNING, failed, List.of("resolving dependencies",
            "build failed: pungi exited with status 1", "missing package: <anaconda>", "depsolving failed")));

        received(1, "the mail");
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(part(mail, "text/html")).contains("<p>Build 7 FAILED: pungi exited with status 1<br>\n"
            + "missing package: &lt;anaconda&gt;<br>\ndepsolving failed</p>");
        String text = part(mail, "text/plain");
        assertThat(text).startsWith("Build 7 FAILED: " + reason + "\n")
            .contains("The last line of the log:\n  resolving dependencies");
        assertThat(text.split("missing package", -1)).as("the reason's lines once, not again in the tail").hasSize(2);
        assertThat(text).doesNotContain("build failed:");
    }

    @Test
    void aMailResentAfterACrashBetweenSendingAndRecordingIsTheSameMessage() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        String deployment = deploy(smtpConfig(smtp.getSmtp().getPort()));
        publish(new BuildChange(BuildState.ASSIGNED, running(spec("qa@example.org")), List.of()));
        received(1, "the first copy");
        until("the mail marked sent", () -> mails().get(0).status() == OutboxMail.Status.SENT);
        // As if the master had died after the server took the mail and before SENT was written.
        await(store.updateMail(mails().get(0).with(OutboxMail.Status.SENDING)));
        await(vertx.undeploy(deployment));

        deploy(smtpConfig(smtp.getSmtp().getPort()));

        received(2, "the copy sent again at start");
        until("the mail marked sent again", () -> mails().get(0).status() == OutboxMail.Status.SENT);
        MimeMessage[] copies = smtp.getReceivedMessages();
        assertThat(copies[0].getMessageID()).isEqualTo("<fbs.7.started.1@master.example.org>");
        assertThat(copies[1].getMessageID()).isEqualTo(copies[0].getMessageID());
        assertThat(mails()).hasSize(1);
    }

    @Test
    void theMessageIdComesFromTheOutboxKeyAndTheMastersHost() {
        OutboxMail keyed = OutboxMail.pending("12/requeued/2", 12, "requeued", List.of("a@example.org"), "s", "t",
            "<p>h</p>", T0);
        OutboxMail unkeyed = OutboxMail.pending(12, "finished", List.of("a@example.org"), "s", "t", "h", T0)
            .withId(40);

        assertThat(Notifier.messageId(keyed, Notifier.hostOf("https://fbs.example.org:8443/x")))
            .isEqualTo("<fbs.12.requeued.2@fbs.example.org>");
        assertThat(Notifier.messageId(keyed.withId(99).with(OutboxMail.Status.SENDING), "h.example.org"))
            .as("the same for every copy of the mail, whatever its id or state").isEqualTo(
                "<fbs.12.requeued.2@h.example.org>");
        assertThat(Notifier.messageId(unkeyed, "h.example.org")).isEqualTo("<fbs.mail.40@h.example.org>");
        assertThat(Notifier.hostOf("not a url")).isEqualTo("localhost");
    }

    @Test
    void lineBreaksInAnyFieldCannotAddAHeaderOrARecipient() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        deploy(smtpConfig(smtp.getSmtp().getPort()));
        JsonObject spec = spec("qa@example.org,evil@example.net\r\nBcc: boss@example.net");
        spec.getJsonObject("boot").put("product", "Fedora\r\nBcc: evil@example.net\r\nX-Injected: yes");
        Build build = BuildBuilder.queued().spec(spec).at(T0).id(7).build()
            .assigned("w1\r\nX-Worker: evil", LOG_URL, T0.plusSeconds(1), null)
            .running("side-repo", T0.plusSeconds(2), 1);

        publish(new BuildChange(BuildState.ASSIGNED, build, List.of()));

        received(1, "the mail");
        Thread.sleep(500); // any injected recipient would have had its copy by now
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage mail = received[0];
        assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("qa@example.org");
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(mail.getHeader("X-Injected")).isNull();
        assertThat(mail.getHeader("X-Worker")).isNull();
        assertThat(mail.getSubject()).isEqualTo("[FBS] build 7 started: Fedora  Bcc: evil@example.net  X-Injected: yes"
            + " boot x86_64/41");
        assertThat(smtp.getReceivedMessagesForDomain("example.net")).isEmpty();
    }

    @Test
    void userTextIsEscapedInTheHtmlPart() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        deploy(smtpConfig(smtp.getSmtp().getPort()));
        Build failed = running(spec("qa@example.org")).finished(BuildState.FAILED,
            "<script>alert('x')</script> & \"quotes\"", List.of(), T0.plusSeconds(60), 3);

        publish(new BuildChange(BuildState.RUNNING, failed, List.of("<b>not bold</b>")));

        received(1, "the mail");
        String html = part(smtp.getReceivedMessages()[0], "text/html");
        assertThat(html)
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;")
            .contains("&lt;b&gt;not bold&lt;/b&gt;")
            .doesNotContain("<script>", "<b>not bold");
    }

    @Test
    void aBuildThatGoesBackToTheQueueAfterLosingItsWorkerGetsAShortNotice() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        deploy(smtpConfig(smtp.getSmtp().getPort()));
        Build running = running(spec("qa@example.org"));
        Build requeued = running.requeued("worker w1 stopped answering; queued again (retry 1 of 2)",
            T0.plusSeconds(90));

        publish(new BuildChange(BuildState.RUNNING, requeued, List.of()));

        received(1, "the requeue notice");
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[FBS] build 7 queued again: Fedora boot x86_64/41");
        assertThat(part(mail, "text/plain")).contains("lost its worker and is queued again",
            "Why: worker w1 stopped answering; queued again (retry 1 of 2)");
    }

    @Test
    void withoutAnSmtpServerMailsAreLoggedAndKeptInTheOutbox() throws Exception {
        deploy(new JsonObject());

        publish(new BuildChange(BuildState.ASSIGNED, running(spec("qa@example.org")), List.of()));

        until("the mail in the outbox", () -> mails().size() == 1
            && mails().get(0).status() == OutboxMail.Status.LOGGED);
        OutboxMail mail = mails().get(0);
        assertThat(mail.to()).containsExactly("qa@example.org");
        assertThat(mail.kind()).isEqualTo("started");
        assertThat(mail.text()).contains(LOG_URL);
    }

    @Test
    void aBuildWithoutAddressesGetsNoMailAndStageChangesGetNone() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        deploy(smtpConfig(smtp.getSmtp().getPort()));
        Build running = running(spec("qa@example.org"));

        publish(new BuildChange(BuildState.ASSIGNED, running(spec("")), List.of()));
        publish(new BuildChange(BuildState.RUNNING, running.running("image", T0.plusSeconds(5), 2), List.of()));
        publish(new BuildChange(BuildState.ASSIGNED, running, List.of()));

        received(1, "the mail");
        Thread.sleep(500);
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(mails()).hasSize(1);
    }

    @Test
    void aMailThatCannotBeSentWaitsInTheOutboxAndGoesOutOnceTheServerAnswers() throws Exception {
        int port = freePort();
        deploy(smtpConfig(port));

        publish(new BuildChange(BuildState.ASSIGNED, running(spec("qa@example.org")), List.of()));
        until("a failed attempt recorded", () -> !mails().isEmpty() && mails().get(0).attempts() >= 1);
        OutboxMail waiting = mails().get(0);
        assertThat(waiting.status()).isEqualTo(OutboxMail.Status.PENDING);
        assertThat(waiting.lastError()).isNotBlank();

        startSmtp(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        received(1, "the mail, sent on a later try");
        until("the mail marked sent", () -> mails().get(0).status() == OutboxMail.Status.SENT);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).contains("build 7 started");
    }

    @Test
    void aRefusedSmtpLoginIsTriedAgainNotGivenUp() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        smtp.setUser("fbs@example.org", "fbs", "right-password");
        deploy(smtpConfig(smtp.getSmtp().getPort()).put("login", "fbs").put("password", "wrong-password"));

        publish(new BuildChange(BuildState.ASSIGNED, running(spec("qa@example.org")), List.of()));

        until("a second attempt", () -> !mails().isEmpty() && mails().get(0).attempts() >= 2);
        assertThat(mails().get(0).status()).isIn(OutboxMail.Status.PENDING, OutboxMail.Status.SENDING);
        assertThat(mails().get(0).lastError()).contains("535");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void aPendingMailLeftByAStoppedMasterIsSentAtStart() throws Exception {
        startSmtp(ServerSetupTest.SMTP.dynamicPort());
        await(store.insertMail(OutboxMail.pending(3, "finished", List.of("qa@example.org"), "[FBS] build 3 FAILED",
            "text", "<p>html</p>", Instant.now())));

        deploy(smtpConfig(smtp.getSmtp().getPort()));

        received(1, "the mail");
        assertThat(smtp.getReceivedMessages()[0].getSubject()).isEqualTo("[FBS] build 3 FAILED");
        until("the mail marked sent", () -> mails().get(0).status() == OutboxMail.Status.SENT);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void startSmtp(ServerSetup setup) {
        smtp = new GreenMail(setup);
        smtp.start();
    }

    private static JsonObject smtpConfig(int port) {
        return new JsonObject().put("host", "127.0.0.1").put("port", port).put("starttls", "disabled")
            .put("from", "fbs@example.org");
    }

    private String deploy(JsonObject smtpJson) throws Exception {
        MasterSettings settings = MasterSettingsBuilder.master(data).publicUrl("http://master.example.org")
            .smtp(smtpJson).build();
        return await(vertx.deployVerticle(new Notifier(settings, store, Duration.ofMillis(200), 100),
            new DeploymentOptions()));
    }

    private void publish(BuildChange change) {
        BuildChanges.publish(vertx, change);
    }

    private static JsonObject spec(String email) {
        return new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41").put("email", email)
            .put("staging", "ftp://bob:hunter2@ftp.example.org/pub")
            .put("boot", new JsonObject().put("product", "Fedora"));
    }

    private static Build running(JsonObject spec) {
        return BuildBuilder.queued().spec(spec).at(T0).id(7).build()
            .assigned("w1", LOG_URL, T0.plusSeconds(1), null)
            .running("side-repo", T0, 1);
    }

    private List<OutboxMail> mails() {
        try {
            List<OutboxMail> newestFirst = new ArrayList<>(await(store.mails(100)));
            Collections.reverse(newestFirst);
            return newestFirst;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decoded text of the first part of {@code type} in {@code part}, searching multiparts. */
    static String part(Part part, String type) throws Exception {
        if (part.isMimeType(type)) {
            return ((String) part.getContent()).replace("\r\n", "\n");
        }
        if (part.getContent() instanceof Multipart multi) {
            for (int i = 0; i < multi.getCount(); i++) {
                String found = part(multi.getBodyPart(i), type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static MimeMessage withSubject(MimeMessage[] messages, String word) throws Exception {
        for (MimeMessage m : messages) {
            if (m.getSubject().contains(word)) {
                return m;
            }
        }
        throw new AssertionError("no mail with '" + word + "' in its subject");
    }

    private void received(int count, String what) throws InterruptedException {
        until(what, () -> smtp.getReceivedMessages().length >= count);
    }
}
