package org.fbs.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.testkit.Waits.await;
import static org.fbs.testkit.Waits.until;

import io.vertx.core.Vertx;
import io.vertx.core.Context;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.testkit.BuildBuilder;
import org.junit.jupiter.api.Test;

/** A stored change reaches every listener on the master as it is: no encoding, no copy per listener. */
class BuildChangesTest {

    @Test
    void everyListenerOfEachVertxGetsTheChangeItself() throws Exception {
        Vertx first = Vertx.vertx();
        Vertx second = Vertx.vertx();
        try {
            Build build = BuildBuilder.queued().id(3).build();
            BuildChange change = new BuildChange(BuildState.QUEUED, build, List.of("done"));
            List<BuildChange> heard = new CopyOnWriteArrayList<>();
            List<Long> ids = new CopyOnWriteArrayList<>();
            await(BuildChanges.listen(first, heard::add).ready());
            await(BuildChanges.listen(first, c -> ids.add(c.build().id())).ready());
            await(BuildChanges.listen(second, heard::add).ready());

            BuildChanges.publish(first, change);
            BuildChanges.publish(second, change);

            until("both listeners of each heard it", () -> heard.size() == 2 && ids.size() == 1);
            assertThat(heard).allSatisfy(h -> assertThat(h).isSameAs(change));
            assertThat(ids).containsExactly(3L);
        } finally {
            await(first.close());
            await(second.close());
        }
    }

    @Test
    void aListenerIsBehindFromThePublishUntilItHasHeardTheChange() throws Exception {
        // The race it closes: the dispatcher stores a worker's event, publishes the change and acknowledges the
        // event; the worker (or anyone it told) reads the build over HTTP before the API's listener has heard it.
        Vertx vertx = Vertx.vertx();
        try {
            BuildChanges.publish(vertx, new BuildChange(null, BuildBuilder.queued().id(1).build(), List.of()));
            Context home = vertx.getOrCreateContext();
            List<Long> heard = new CopyOnWriteArrayList<>();
            BuildChanges.Listening[] listening = new BuildChanges.Listening[1];
            CountDownLatch registered = new CountDownLatch(1);
            home.runOnContext(v -> {
                listening[0] = BuildChanges.listen(vertx, c -> heard.add(c.build().id()));
                listening[0].ready().onSuccess(ok -> registered.countDown());
            });
            assertThat(registered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(listening[0].behind()).as("a change published before it listened is not waited for").isFalse();

            // The listener's event loop is held up, so the change cannot be heard yet.
            CountDownLatch release = new CountDownLatch(1);
            home.runOnContext(v -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            BuildChanges.publish(vertx, new BuildChange(BuildState.QUEUED, BuildBuilder.queued().id(2).build(),
                List.of()));
            assertThat(listening[0].behind()).as("published, not heard yet").isTrue();
            assertThat(heard).isEmpty();

            release.countDown();
            until("the change is heard", () -> heard.size() == 1);
            until("the listener has caught up", () -> !listening[0].behind());
            assertThat(heard).containsExactly(2L);
        } finally {
            await(vertx.close());
        }
    }
}
