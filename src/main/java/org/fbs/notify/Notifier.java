package org.fbs.notify;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fbs.config.MasterSettings;
import org.fbs.config.SmtpSettings;
import org.fbs.cluster.WorkerLinks;
import org.fbs.service.BuildChange;
import org.fbs.service.BuildChanges;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.OutboxMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a build's recipients when it starts, when it ends, and when it goes back to the queue. Each mail goes into
 * the outbox (the store) first, then out by SMTP; one that cannot be sent for a passing reason (no answer, a 4xx) is
 * tried again later with a growing wait, one the server refuses for good (a 5xx) is not. A recipient the server
 * refuses does not hold up the others: the mail goes to those accepted, and the refused ones are named in the
 * outbox. Delivery is at least once: a mail is marked SENDING before it goes and SENT right after, and one found
 * SENDING at start (a crash in between) goes again under the same Message-ID, so that every mail client and server
 * sees the copy as the same message. With no SMTP server configured, mails are written to the master's log
 * instead. Nothing here can hold up or fail a build: the dispatcher only publishes changes.
 */
public final class Notifier extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    static final int MAX_ATTEMPTS = 10;
    static final Duration MAX_WAIT = Duration.ofHours(1);

    /**
     * What vertx-mail-client 5.0.7 fails with when allowRcptErrors is on and every RCPT TO was refused: this without
     * pipelining; with it (RCPTs and DATA sent at once), the server's 503 to the DATA command.
     */
    static final String NONE_ACCEPTED = "no recipient addresses were accepted";
    static final String DATA_REFUSED = "DATA command not accepted";

    private final SmtpSettings smtp;
    /** The master's host name, the right-hand side of every Message-ID. */
    private final String host;
    private final AsyncBuildStore store;
    private final BuildMails mails;
    private final WorkerLinks links;
    private final Duration firstRetry;
    private final long sweepMs;
    /** Mails being sent right now: a sweep must not send one twice. */
    private final Set<Long> sending = new HashSet<>();
    /** The last mail of each build on its way: a build's mails reach the server in the order they were made. */
    private final Map<Long, Future<Void>> lastOfBuild = new HashMap<>();
    /** Sends to the recipients the server accepts ({@code allowRcptErrors}). */
    private MailClient client;
    /** Refuses the whole mail on a refused recipient: asked only when none was accepted, to learn if for good. */
    private MailClient strict;

    public Notifier(MasterSettings settings, AsyncBuildStore store) {
        this(settings, store, WorkerLinks.perProcess());
    }

    /** @param links signs the worker links in the mails, for {@code cluster.link-lifetime} */
    public Notifier(MasterSettings settings, AsyncBuildStore store, WorkerLinks links) {
        this(settings, store, Duration.ofSeconds(30), 10_000, links);
    }

    /**
     * @param firstRetry the wait after the first failed attempt; doubled after each further one, up to an hour
     * @param sweepMs    how often pending mails whose time has come are tried
     */
    Notifier(MasterSettings settings, AsyncBuildStore store, Duration firstRetry, long sweepMs) {
        this(settings, store, firstRetry, sweepMs, WorkerLinks.perProcess());
    }

    Notifier(MasterSettings settings, AsyncBuildStore store, Duration firstRetry, long sweepMs, WorkerLinks links) {
        this.links = links;
        this.smtp = settings.smtp();
        this.store = store;
        this.mails = new BuildMails(settings.publicUrl());
        this.host = hostOf(settings.publicUrl());
        this.firstRetry = firstRetry;
        this.sweepMs = sweepMs;
    }

    @Override
    public Future<?> start() {
        if (smtp.configured()) {
            client = MailClient.create(vertx, mailConfig(smtp).setAllowRcptErrors(true));
            strict = MailClient.create(vertx, mailConfig(smtp).setAllowRcptErrors(false));
        } else {
            LOG.info("no SMTP server configured (master.smtp.host): build mails go to this log and the outbox");
        }
        vertx.setPeriodic(sweepMs, t -> sendDue());
        return BuildChanges.listen(vertx, this::onChange).ready().onSuccess(v -> resendInterrupted());
    }

    @Override
    public Future<?> stop() {
        return client == null ? Future.succeededFuture() : Future.all(client.close(), strict.close());
    }

    /** Mails that were being sent when the master stopped: perhaps sent, perhaps not; they go again, same ID. */
    private void resendInterrupted() {
        store.mails(OutboxMail.Status.SENDING, 1000)
            .onSuccess(interrupted -> {
                if (!interrupted.isEmpty()) {
                    LOG.info("{} mail(s) were being sent when the master stopped; sending them again with the same"
                        + " Message-ID", interrupted.size());
                }
                interrupted.forEach(this::deliver);
            })
            .onFailure(err -> LOG.warn("cannot read the mail outbox: {}", err.getMessage()))
            .onComplete(v -> sendDue());
    }

    static MailConfig mailConfig(SmtpSettings smtp) {
        MailConfig config = new MailConfig()
            .setHostname(smtp.host())
            .setPort(smtp.port())
            .setStarttls(StartTLSOptions.valueOf(smtp.starttls().toUpperCase(Locale.ROOT)));
        if (smtp.login() != null) {
            config.setLogin(LoginOption.REQUIRED).setUsername(smtp.login()).setPassword(smtp.password());
        } else {
            config.setLogin(LoginOption.DISABLED);
        }
        return config;
    }

    private void onChange(BuildChange change) {
        // The dispatcher has usually kept this mail already, with the change: the outbox then answers with that one.
        // Every due mail of the build goes, oldest first: one the sweep has not sent yet must not come after this one.
        about(change).ifPresent(mail -> store.insertMail(mail)
            .compose(kept -> store.mailsOf(kept.build()))
            .onSuccess(mails -> {
                Instant now = Instant.now();
                mails.stream().filter(m -> m.status() == OutboxMail.Status.PENDING && !m.nextTry().isAfter(now))
                    .sorted(Comparator.comparingLong(OutboxMail::id)).forEach(this::deliver);
            })
            .onFailure(err -> LOG.error("could not keep the {} mail of build {} in the outbox", mail.kind(),
                mail.build(), err)));
    }

    /**
     * The mail a change calls for, if any, for the dispatcher to keep in the same transaction as the change (see
     * {@link AsyncBuildStore#update(org.fbs.build.Build, java.util.Optional)}); this notifier then sends it when it
     * hears of the change.
     */
    public Optional<OutboxMail> mailAbout(BuildChange change) {
        return about(change);
    }

    /** The mail, its links to the worker signed: they work for the link lifetime, and for this build only. */
    private Optional<OutboxMail> about(BuildChange change) {
        if (!mails.callsFor(change)) {
            return Optional.empty();
        }
        BuildChange signed = new BuildChange(change.before(), links.signed(change.build()), change.logTail());
        return mails.about(signed, Instant.now());
    }

    private void sendDue() {
        store.dueMails(Instant.now(), 50)
            .onSuccess(due -> due.stream().sorted(Comparator.comparingLong(OutboxMail::id)).forEach(this::deliver))
            .onFailure(err -> LOG.warn("cannot read the mail outbox: {}", err.getMessage()));
    }

    private void deliver(OutboxMail mail) {
        if (!sending.add(mail.id())) {
            return;
        }
        Future<Void> before = lastOfBuild.getOrDefault(mail.build(), Future.succeededFuture());
        Future<Void> mine = before.transform(v -> deliverNow(mail));
        lastOfBuild.put(mail.build(), mine);
        mine.onComplete(v -> lastOfBuild.remove(mail.build(), mine));
    }

    private Future<Void> deliverNow(OutboxMail mail) {
        Future<OutboxMail> done;
        if (client == null) {
            LOG.info("mail {} about build {} (not sent: no SMTP server configured)\nTo: {}\nSubject: {}\n\n{}",
                mail.id(), mail.build(), String.join(", ", mail.to()), mail.subject(), mail.text());
            done = Future.succeededFuture(mail.with(OutboxMail.Status.LOGGED));
        } else {
            // Recorded as going before it goes: a crash after the server took it leaves a mark to resend by.
            OutboxMail going = mail.with(OutboxMail.Status.SENDING);
            done = store.updateMail(going).compose(v -> send(going));
        }
        return done.compose(store::updateMail)
            .onFailure(err -> LOG.error("could not record the state of mail {}", mail.id(), err))
            .onComplete(v -> sending.remove(mail.id()))
            .transform(v -> Future.succeededFuture());
    }

    /** Sends the mail and answers it as it is to be recorded; never fails. */
    private Future<OutboxMail> send(OutboxMail mail) {
        MailMessage message = message(mail);
        return client.sendMail(message).transform(sent -> {
            if (sent.succeeded()) {
                return Future.succeededFuture(delivered(mail, sent.result().getRecipients()));
            }
            if (!noneAccepted(sent.cause())) {
                return Future.succeededFuture(notSent(mail, sent.cause(), false));
            }
            // Every recipient refused, but the lenient client does not say how: the strict one's error has the code.
            return strict.sendMail(message).transform(again -> Future.succeededFuture(again.succeeded()
                ? delivered(mail, again.result().getRecipients()) : notSent(mail, again.cause(), true)));
        });
    }

    static boolean noneAccepted(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        return message.contains(NONE_ACCEPTED)
            || cause instanceof SMTPException e && e.getReplyCode() == 503 && message.startsWith(DATA_REFUSED);
    }

    /** Sent to {@code accepted}; the other recipients are named as refused. */
    private static OutboxMail delivered(OutboxMail mail, List<String> accepted) {
        Set<String> took = new HashSet<>();
        accepted.forEach(a -> took.add(a.toLowerCase(Locale.ROOT)));
        List<String> refused = mail.to().stream().filter(a -> !took.contains(a.toLowerCase(Locale.ROOT))).toList();
        if (!refused.isEmpty()) {
            LOG.warn("mail {} about build {} sent, but the SMTP server refused {}", mail.id(), mail.build(), refused);
        }
        return mail.sent(refused, "refused by the SMTP server: " + String.join(", ", refused));
    }

    /**
     * A permanent refusal (5xx) is final; anything else is tried again later. So is a refused login (530, 534, 535,
     * 538, RFC 4954): that is the master's settings, not the mail, and mails wait until an operator fixes them.
     */
    private OutboxMail notSent(OutboxMail mail, Throwable cause, boolean everyRecipientRefused) {
        if (cause instanceof SMTPException refusal && refusal.isPermanent()
            && !List.of(530, 534, 535, 538).contains(refusal.getReplyCode())) {
            String error = BuildMails.oneLine(String.valueOf(cause.getMessage()));
            LOG.error("mail {} about build {} refused for good by the SMTP server, not retried: {}", mail.id(),
                mail.build(), error);
            return mail.refused(error, everyRecipientRefused ? mail.to() : List.of());
        }
        return retryLater(mail, cause);
    }

    private OutboxMail retryLater(OutboxMail mail, Throwable cause) {
        String error = String.valueOf(cause.getMessage());
        if (mail.attempts() + 1 >= MAX_ATTEMPTS) {
            LOG.error("giving up on mail {} about build {} after {} attempts: {}", mail.id(), mail.build(),
                MAX_ATTEMPTS, error);
            return mail.failed(error, null);
        }
        Duration wait = firstRetry.multipliedBy(1L << Math.min(20, mail.attempts()));
        if (wait.compareTo(MAX_WAIT) > 0) {
            wait = MAX_WAIT;
        }
        LOG.warn("mail {} about build {} not sent ({}); trying again in {} s", mail.id(), mail.build(), error,
            wait.toSeconds());
        return mail.failed(error, Instant.now().plus(wait));
    }

    private MailMessage message(OutboxMail mail) {
        MailMessage message = new MailMessage()
            .setFrom(smtp.from())
            .setTo(mail.to())
            .setSubject(BuildMails.oneLine(mail.subject()))
            .setText(mail.text())
            .setHtml(mail.html());
        // Replaces the random one the client would make (MailEncoder lets a header of the message win).
        message.addHeader("Message-ID", messageId(mail, host));
        return message;
    }

    /**
     * {@code <fbs.7.started.1@master.example.org>}: the mail's outbox key (build, kind, attempt) at the master's
     * host, the same each time the mail is sent; a mail kept without a key goes by its outbox id.
     */
    static String messageId(OutboxMail mail, String host) {
        String left = mail.key() != null ? mail.key().replace('/', '.') : "mail." + mail.id();
        return "<fbs." + left.replaceAll("[^A-Za-z0-9._-]", "_") + "@" + host + ">";
    }

    /** The host of {@code master.public-url}, or localhost. */
    static String hostOf(String publicUrl) {
        try {
            String h = URI.create(publicUrl).getHost();
            return h == null || !h.matches("[A-Za-z0-9.-]+") ? "localhost" : h;
        } catch (IllegalArgumentException | NullPointerException e) {
            return "localhost";
        }
    }
}
