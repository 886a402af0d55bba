package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.e2e.E2eCluster.history;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the master in the middle of a build, then the master started again on the same data dir: the worker's
 * events, kept on its disk, reach the new master; the build completes, recorded once, with one finish mail.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class MasterRestartIT {

    @AutoClose
    E2eCluster cluster;

    @Test
    void aBuildRunningWhileTheMasterIsKilledCompletesOnceWithOneFinishMail() throws Exception {
        cluster = new E2eCluster("master-restart", "w1");
        cluster.startMail();
        cluster.startMaster();
        cluster.worker("w1").env(Map.of("FBS_STANDIN_SLEEP", "10")).start();
        cluster.awaitWorkers("w1");

        long id = cluster.submit(E2eCluster.bootSpec(cluster.staging.toUri().toString()));
        cluster.awaitBuild(id, b -> "image".equals(b.getString("stage")), Duration.ofSeconds(60));
        // The start mail is out and recorded as sent: the kill cannot fall between sending it and recording that.
        awaitOutbox(id, "started");

        cluster.kill(E2eCluster.MASTER);
        cluster.restartMaster();

        JsonObject done = cluster.awaitEnd(id, Duration.ofSeconds(120));
        assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("SUCCEEDED");
        assertThat(done.getString("worker")).isEqualTo("w1");
        assertThat(done.getInteger("attempt")).isEqualTo(1);
        assertThat(history(done, "SUCCEEDED")).hasSize(1);
        assertThat(history(done, "ASSIGNED")).hasSize(1);
        assertThat(history(done, "RUNNING")).extracting(h -> h.getString("stage"))
            .containsExactly("side-repo", "image", "staging");

        awaitOutbox(id, "finished");
        assertThat(cluster.mailsAbout(id)).containsExactly("started", "SUCCEEDED");
        // The outbox holds one mail per change, each sent once.
        assertThat(outbox(id)).extracting(m -> m.getString("kind") + ":" + m.getString("status"))
            .containsExactlyInAnyOrder("started:SENT", "finished:SENT");
    }

    List<JsonObject> outbox(long id) throws Exception {
        return new JsonObject(cluster.get(cluster.master + "/api/v1/mails?limit=1000").body())
            .getJsonArray("mails").stream().map(JsonObject.class::cast).filter(m -> m.getLong("build") == id)
            .toList();
    }

    /** Waits until the build's mail of {@code kind} is recorded as sent. */
    void awaitOutbox(long id, String kind) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(end)) {
            if (outbox(id).stream().anyMatch(m -> m.getString("kind").equals(kind)
                && m.getString("status").equals("SENT"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the " + kind + " mail of build " + id + " was not sent: " + outbox(id)
            + cluster.outputs());
    }
}
