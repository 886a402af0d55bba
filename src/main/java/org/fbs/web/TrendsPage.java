package org.fbs.web;

import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.fbs.auth.Caller;
import org.fbs.store.AsyncBuildStore;

/** {@code GET /trends}: builds per day and how long they wait and take, over the last {@link #DAYS} days. */
final class TrendsPage {

    static final int DAYS = 30;

    private final AsyncBuildStore store;
    private final Clock clock;

    TrendsPage(AsyncBuildStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void show(RoutingContext ctx, Caller caller) {
        store.trends(clock.instant(), DAYS).onFailure(ctx::fail)
            .onSuccess(trends -> Layout.send(ctx, 200, "Trends", "trends.jte", TrendsView.of(trends), 0));
    }
}
