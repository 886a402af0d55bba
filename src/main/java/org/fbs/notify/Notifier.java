package org.fbs.notify;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.fbs.config.MasterSettings;
import org.fbs.config.SmtpSettings;
import org.fbs.master.WorkerLinks;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildChange;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.OutboxMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a build's recipients when it starts, when it ends, and when it goes back to the queue. Each mail goes into
 * the outbox (the store) first, then out by SMTP; one that cannot be sent is tried again later with a growing
 * wait, and pending mails are picked up again after a restart. With no SMTP server configured, mails are written
 * to the master's log instead. Nothing here can hold up or fail a build: the dispatcher only publishes changes.
 */
public final class Notifier extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    static final int MAX_ATTEMPTS = 10;
    static final Duration MAX_WAIT = Duration.ofHours(1);

    private final SmtpSettings smtp;
    private final AsyncBuildStore store;
    private final BuildMails mails;
    private final WorkerLinks links;
    private final Duration firstRetry;
    private final long sweepMs;
    /** Mails being sent right now: a sweep must not send one twice. */
    private final Set<Long> sending = new HashSet<>();
    private MailClient client;

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
        this.firstRetry = firstRetry;
        this.sweepMs = sweepMs;
    }

    @Override
    public Future<?> start() {
        if (smtp.configured()) {
            client = MailClient.create(vertx, mailConfig(smtp));
        } else {
            LOG.info("no SMTP server configured (master.smtp.host): build mails go to this log and the outbox");
        }
        vertx.setPeriodic(sweepMs, t -> sendDue());
        return vertx.eventBus().<JsonObject>localConsumer(Addresses.MASTER_BUILD_CHANGED, this::onChange)
            .completion()
            .onSuccess(v -> sendDue());
    }

    @Override
    public Future<?> stop() {
        return client == null ? Future.succeededFuture() : client.close();
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

    private void onChange(Message<JsonObject> msg) {
        BuildChange change;
        try {
            change = BuildChange.fromJson(msg.body());
        } catch (RuntimeException e) {
            LOG.warn("dropping an unreadable build change: {}", e.toString());
            return;
        }
        // The dispatcher has usually kept this mail already, with the change: the outbox then answers with that one.
        about(change).ifPresent(mail -> store.insertMail(mail)
            .onSuccess(kept -> {
                if (kept.status() == OutboxMail.Status.PENDING && !kept.nextTry().isAfter(Instant.now())) {
                    deliver(kept);
                }
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
        BuildChange signed = new BuildChange(change.before(), links.signed(change.build()), change.logTail());
        return mails.about(signed, Instant.now());
    }

    private void sendDue() {
        store.dueMails(Instant.now(), 50)
            .onSuccess(due -> due.forEach(this::deliver))
            .onFailure(err -> LOG.warn("cannot read the mail outbox: {}", err.getMessage()));
    }

    private void deliver(OutboxMail mail) {
        if (!sending.add(mail.id())) {
            return;
        }
        Future<OutboxMail> done;
        if (client == null) {
            LOG.info("mail {} about build {} (not sent: no SMTP server configured)\nTo: {}\nSubject: {}\n\n{}",
                mail.id(), mail.build(), String.join(", ", mail.to()), mail.subject(), mail.text());
            done = Future.succeededFuture(mail.with(OutboxMail.Status.LOGGED));
        } else {
            done = client.sendMail(message(mail)).transform(sent -> {
                if (sent.succeeded()) {
                    return Future.succeededFuture(mail.with(OutboxMail.Status.SENT));
                }
                return Future.succeededFuture(retryLater(mail, sent.cause()));
            });
        }
        done.compose(store::updateMail)
            .onFailure(err -> LOG.error("could not record the state of mail {}", mail.id(), err))
            .onComplete(v -> sending.remove(mail.id()));
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
        return new MailMessage()
            .setFrom(smtp.from())
            .setTo(mail.to())
            .setSubject(BuildMails.oneLine(mail.subject()))
            .setText(mail.text())
            .setHtml(mail.html());
    }
}
