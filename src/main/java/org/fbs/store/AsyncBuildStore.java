package org.fbs.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fbs.build.Build;
import org.fbs.build.BuildState;

/** {@link BuildStore} for event-loop code: every call runs in order on one worker thread of its own. */
public final class AsyncBuildStore {

    private final BuildStore store;
    private final WorkerExecutor thread;

    public AsyncBuildStore(Vertx vertx, BuildStore store) {
        this.store = store;
        this.thread = vertx.createSharedWorkerExecutor("fbs-store", 1);
    }

    public Future<Build> insert(Build build) {
        return run(() -> store.insert(build));
    }

    public Future<Void> update(Build build) {
        return run(() -> {
            store.update(build);
            return null;
        });
    }

    public Future<Optional<Build>> get(long id) {
        return run(() -> store.get(id));
    }

    public Future<List<Build>> list(BuildState state, int limit) {
        return run(() -> store.list(state, limit));
    }

    public Future<List<Build>> unfinished() {
        return run(store::unfinished);
    }

    public Future<OutboxMail> insertMail(OutboxMail mail) {
        return run(() -> store.insertMail(mail));
    }

    public Future<Void> updateMail(OutboxMail mail) {
        return run(() -> {
            store.updateMail(mail);
            return null;
        });
    }

    public Future<List<OutboxMail>> dueMails(Instant now, int limit) {
        return run(() -> store.dueMails(now, limit));
    }

    public Future<List<OutboxMail>> mails(int limit) {
        return run(() -> store.mails(limit));
    }

    private <T> Future<T> run(Callable<T> work) {
        return thread.executeBlocking(work, true);
    }

    public Future<Void> close() {
        return this.<Void>run(() -> {
            store.close();
            return null;
        }).eventually(thread::close);
    }
}
