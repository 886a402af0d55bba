package org.fbs.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.testkit.Waits.await;
import static org.fbs.testkit.Waits.until;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
}
