package org.fbs.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.fbs.build.Build;

/**
 * {@link BuildStore} for event-loop code. Every call joins a queue that one thread of its own drains in order; whatever has queued up while the previous batch was being written goes into the next one as a single
 * transaction ({@link BuildStore#batch}), so that a burst of writes costs one fsync instead of one each. A call's
 * future completes on the caller's context, after the commit that holds it.
 *
 * <p>The thread belongs to the store, not to Vert.x: Vert.x closes its own executors before it stops the verticles,
 * and a write or the final close queued on one of those could be dropped, leaving its future (and Vert.x's close)
 * waiting forever.
 */
public final class AsyncBuildStore {

    private final Vertx vertx;
    private final BuildStore store;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "fbs-store");
        t.setDaemon(true);
        return t;
    });
    private final Queue<Pending<?>> pending = new ConcurrentLinkedQueue<>();
    /** The close, once asked for. */
    private Future<Void> closing;

    private record Pending<T>(BuildStore.Work<T> work, Promise<T> promise, Context context) {

        @SuppressWarnings("unchecked")
        void complete(BuildStore.Outcome outcome) {
            context.runOnContext(v -> {
                if (outcome.error() != null) {
                    promise.fail(outcome.error());
                } else {
                    promise.complete((T) outcome.value());
                }
            });
        }

        void fail(Throwable error) {
            context.runOnContext(v -> promise.fail(error));
        }
    }

    public AsyncBuildStore(Vertx vertx, BuildStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    public Future<Build> insert(Build build) {
        return run(s -> s.insert(build));
    }

    public Future<Void> update(Build build) {
        return run(s -> {
            s.update(build);
            return null;
        });
    }

    /**
     * Writes a changed build and, in the same transaction, the mail it calls for (if any, and unless a mail with its
     * key is kept already): a crash cannot keep the change and lose its mail.
     */
    public Future<Void> update(Build build, Optional<OutboxMail> mail) {
        return run(s -> {
            s.update(build);
            if (mail.isPresent()) {
                s.insertMail(mail.get());
            }
            return null;
        });
    }

    public Future<Optional<Build>> get(long id) {
        return run(s -> s.get(id));
    }

    public Future<List<Build>> list(BuildQuery query) {
        return run(s -> s.list(query));
    }

    public Future<List<Build>> unfinished() {
        return run(BuildStore::unfinished);
    }

    /** See {@link BuildStore#trends}. */
    public Future<Trends> trends(Instant now, int days) {
        return run(s -> s.trends(now, days));
    }

    public Future<Void> ping() {
        return run(s -> {
            s.ping();
            return null;
        });
    }

    public Future<OutboxMail> insertMail(OutboxMail mail) {
        return run(s -> s.insertMail(mail));
    }

    public Future<Void> updateMail(OutboxMail mail) {
        return run(s -> {
            s.updateMail(mail);
            return null;
        });
    }

    public Future<List<OutboxMail>> dueMails(Instant now, int limit) {
        return run(s -> s.dueMails(now, limit));
    }

    public Future<List<OutboxMail>> mails(OutboxMail.Status status, int limit) {
        return run(s -> s.mails(status, limit));
    }

    public Future<List<OutboxMail>> mailsOf(long build) {
        return run(s -> s.mailsOf(build));
    }

    public Future<List<OutboxMail>> mails(int limit) {
        return run(s -> s.mails(limit));
    }

    public Future<ApiToken> insertToken(ApiToken token, String hash) {
        return run(s -> s.insertToken(token, hash));
    }

    /** The account name of a login; see {@link BuildStore#account}. */
    public Future<String> account(String issuer, String subject, String name) {
        return run(s -> s.account(issuer, subject, name));
    }

    public Future<List<ApiToken>> tokens(String owner) {
        return run(s -> s.tokens(owner));
    }

    public Future<Optional<ApiToken>> useToken(String hash, Instant now, Duration every) {
        return run(s -> s.useToken(hash, now, every));
    }

    public Future<Boolean> deleteToken(long id, String owner) {
        return run(s -> s.deleteToken(id, owner));
    }

    private <T> Future<T> run(BuildStore.Work<T> work) {
        Promise<T> promise = Promise.promise();
        Pending<T> call = new Pending<>(work, promise, vertx.getOrCreateContext());
        pending.add(call);
        // One drain per call; a drain that finds the queue emptied by an earlier one has nothing to do.
        try {
            thread.execute(this::drain);
        } catch (RejectedExecutionException closed) {
            // Unless the closing drain took it already (and answers it), the call is never written.
            if (pending.remove(call)) {
                promise.fail(new IllegalStateException("the build store is closed"));
            }
        }
        return promise.future();
    }

    private void drain() {
        List<Pending<?>> batch = new ArrayList<>();
        for (Pending<?> p = pending.poll(); p != null; p = pending.poll()) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return;
        }
        List<BuildStore.Work<?>> works = new ArrayList<>(batch.size());
        batch.forEach(p -> works.add(p.work()));
        try {
            List<BuildStore.Outcome> outcomes = store.batch(works);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).complete(outcomes.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            batch.forEach(p -> p.fail(e));
        }
    }

    /**
     * Writes what is still queued, then closes the database, on the store's thread, which then ends. A second call
     * gets the first one's future.
     */
    public synchronized Future<Void> close() {
        if (closing == null) {
            Promise<Void> closed = Promise.promise();
            Context context = vertx.getOrCreateContext();
            thread.execute(() -> {
                drain();
                try {
                    store.close();
                    context.runOnContext(v -> closed.complete());
                } catch (SQLException | RuntimeException e) {
                    context.runOnContext(v -> closed.fail(e));
                }
            });
            thread.shutdown();
            closing = closed.future();
        }
        return closing;
    }
}
