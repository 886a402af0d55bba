package org.fbs.master;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import org.fbs.cluster.membership.Membership;

/**
 * Hears from the cluster when a member leaves (a killed worker is dropped within seconds, long before its heartbeats
 * would be missed) and reports the Vert.x node id it had.
 */
final class MemberWatch implements AutoCloseable {

    private final AutoCloseable watch;

    private MemberWatch(AutoCloseable watch) {
        this.watch = watch;
    }

    /**
     * Starts watching; {@code left} runs on {@code context} with the node id of each member that leaves. Returns
     * null when this Vert.x is not in a cluster (then heartbeats alone tell loss).
     */
    static MemberWatch start(Vertx vertx, Context context, Consumer<String> left) {
        AutoCloseable watch = Membership.of(vertx).watchLeaving(context, left);
        return watch == null ? null : new MemberWatch(watch);
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (Exception e) {
            // the cluster is going away with Vert.x: nothing left to listen to
        }
    }
}
