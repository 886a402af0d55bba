package org.fbs.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A mail about a build, kept in the outbox from before it is sent: a master restart loses none, and an operator
 * can see what went out.
 *
 * @param id        the store's id (0 before it is stored)
 * @param kind      what it is about: started, finished, requeued
 * @param status    where it is in its life
 * @param attempts  how many times sending it failed
 * @param nextTry   when to try sending it (again), for PENDING
 * @param lastError why the last attempt failed; null if none did
 * @param key       what the mail is about, unique in the outbox ({@code build/kind/attempt}): the same change
 *                  seen twice (a resent worker event, a restart) makes one mail; null for no such check
 * @param rejected  the recipients the SMTP server refused (they did not get the mail); empty when none was
 */
public record OutboxMail(long id, long build, String kind, List<String> to, String subject, String text, String html,
                         Status status, int attempts, Instant nextTry, String lastError, Instant created,
                         String key, List<String> rejected) {

    /**
     * PENDING until its time comes; SENDING while it is handed to the SMTP server (one found so at start was perhaps
     * sent before a crash, and goes again with the same Message-ID); then SENT, LOGGED (no SMTP server is
     * configured) or GAVE_UP.
     */
    public enum Status { PENDING, SENDING, SENT, LOGGED, GAVE_UP }

    public OutboxMail {
        to = List.copyOf(to);
        rejected = rejected == null ? List.of() : List.copyOf(rejected);
    }

    public OutboxMail(long id, long build, String kind, List<String> to, String subject, String text, String html,
                      Status status, int attempts, Instant nextTry, String lastError, Instant created, String key) {
        this(id, build, kind, to, subject, text, html, status, attempts, nextTry, lastError, created, key, List.of());
    }

    public static OutboxMail pending(long build, String kind, List<String> to, String subject, String text,
                                     String html, Instant now) {
        return new OutboxMail(0, build, kind, to, subject, text, html, Status.PENDING, 0, now, null, now, null);
    }

    /** A pending mail that the outbox keeps once per {@code key}. */
    public static OutboxMail pending(String key, long build, String kind, List<String> to, String subject,
                                     String text, String html, Instant now) {
        return new OutboxMail(0, build, kind, to, subject, text, html, Status.PENDING, 0, now, null, now, key);
    }

    public OutboxMail withId(long newId) {
        return new OutboxMail(newId, build, kind, to, subject, text, html, status, attempts, nextTry, lastError,
            created, key, rejected);
    }

    public OutboxMail with(Status newStatus) {
        return new OutboxMail(id, build, kind, to, subject, text, html, newStatus, attempts, nextTry, lastError,
            created, key, rejected);
    }

    /** Sent to those of its recipients the server accepted; {@code refused} names the others, and why. */
    public OutboxMail sent(List<String> refused, String why) {
        return new OutboxMail(id, build, kind, to, subject, text, html, Status.SENT, attempts, nextTry,
            refused.isEmpty() ? lastError : why, created, key, refused);
    }

    /** One more failed attempt; the next one at {@code next}, or none if {@code next} is null. */
    public OutboxMail failed(String error, Instant next) {
        return new OutboxMail(id, build, kind, to, subject, text, html, next == null ? Status.GAVE_UP : Status.PENDING,
            attempts + 1, next == null ? nextTry : next, error, created, key, rejected);
    }

    /** Given up for good, with none of its recipients reached: {@code refused} names those the server refused. */
    public OutboxMail refused(String error, List<String> refused) {
        return new OutboxMail(id, build, kind, to, subject, text, html, Status.GAVE_UP, attempts + 1, nextTry, error,
            created, key, refused);
    }

    /** The mail as the API shows it. */
    public JsonObject toJson() {
        return new JsonObject()
            .put("id", id)
            .put("build", build)
            .put("kind", kind)
            .put("to", new JsonArray(to))
            .put("subject", subject)
            .put("text", text)
            .put("html", html)
            .put("status", status.name())
            .put("attempts", attempts)
            .put("nextTry", nextTry.toString())
            .put("lastError", lastError)
            .put("created", created.toString())
            .put("key", key)
            .put("rejected", new JsonArray(rejected));
    }

    public static OutboxMail fromJson(JsonObject json) {
        return new OutboxMail(json.getLong("id", 0L), json.getLong("build"), json.getString("kind"),
            json.getJsonArray("to", new JsonArray()).stream().map(String::valueOf).toList(),
            json.getString("subject"), json.getString("text"), json.getString("html"),
            Status.valueOf(json.getString("status")), json.getInteger("attempts", 0),
            Instant.parse(json.getString("nextTry")), json.getString("lastError"),
            Instant.parse(json.getString("created")), json.getString("key"),
            json.getJsonArray("rejected", new JsonArray()).stream().map(String::valueOf).toList());
    }
}
