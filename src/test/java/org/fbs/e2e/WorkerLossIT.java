package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.e2e.E2eCluster.history;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the worker that runs a build: the master notices (Hazelcast drops the member), queues the build again,
 * another worker finishes it, and the user hears of both. With {@code master.max-retries: 1}, a build whose second
 * worker dies too fails with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class WorkerLossIT {

    /** lorax takes this long, so that a build is mid-flight when its worker is killed. */
    static final Map<String, String> SLOW = Map.of("FBS_STANDIN_SLEEP", "12");
    @AutoClose
    static E2eCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new E2eCluster("worker-loss", "w-a", "w-b");
        cluster.startMail();
        cluster.startMaster("  max-retries: 1", Map.of());
        cluster.worker("w-a").env(SLOW).start();
        cluster.worker("w-b").env(SLOW).start();
        cluster.awaitWorkers("w-a", "w-b");
    }

    @Test
    @Order(1)
    void aBuildWhoseWorkerIsKilledIsQueuedAgainAndFinishedByTheOther() throws Exception {
        long id = cluster.submit(E2eCluster.bootSpec(cluster.staging.toUri().toString()));
        JsonObject running = cluster.awaitBuild(id, b -> "image".equals(b.getString("stage")), Duration.ofSeconds(60));
        String first = running.getString("worker");
        String other = first.equals("w-a") ? "w-b" : "w-a";

        Instant killed = Instant.now();
        cluster.kill(first);

        // The bound: a killed worker's build is queued again within 15 s.
        JsonObject requeued = cluster.awaitBuild(id, b -> history(b, "QUEUED").size() == 2, Duration.ofSeconds(15));
        Instant back = Instant.parse(history(requeued, "QUEUED").get(1).getString("at"));
        System.out.printf("WorkerLossIT: build %d queued again %d ms after its worker was killed%n", id,
            Duration.between(killed, back).toMillis());
        assertThat(history(requeued, "QUEUED").get(1).getString("note"))
            .startsWith("worker " + first + " was lost (").endsWith("during attempt 1 of 2; queued again");

        JsonObject done = cluster.awaitEnd(id, Duration.ofSeconds(90));
        assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("SUCCEEDED");
        assertThat(done.getString("worker")).isEqualTo(other);
        assertThat(done.getInteger("attempt")).isEqualTo(2);
        assertThat(history(done, "ASSIGNED")).extracting(h -> h.getString("note")).containsExactly(first, other);
        assertThat(history(done, "SUCCEEDED")).hasSize(1);
        Path iso = cluster.staging.resolve("Fedora-x86_64-41-" + id).resolve("boot.iso");
        assertThat(Files.size(iso)).isPositive();

        cluster.awaitMails(id, 4);
        assertThat(cluster.mailsAbout(id)).containsExactly("started", "queued again", "started", "SUCCEEDED");
    }

    @Test
    @Order(2)
    void aBuildThatLosesMoreWorkersThanTheRetriesAllowFailsWithTheReason() throws Exception {
        String killedBefore = cluster.awaitEnd(1, Duration.ofSeconds(5))
            .getJsonArray("history").stream().map(JsonObject.class::cast)
            .filter(h -> h.getString("state").equals("ASSIGNED")).findFirst().orElseThrow().getString("note");
        // The worker killed before comes back on its work dir: what it had is reported, not resumed.
        cluster.restartWorker(killedBefore);
        cluster.awaitWorkers("w-a", "w-b");

        long id = cluster.submit(E2eCluster.bootSpec("worker"));
        String first = cluster.awaitBuild(id, b -> "image".equals(b.getString("stage")), Duration.ofSeconds(60))
            .getString("worker");
        cluster.kill(first);
        JsonObject second = cluster.awaitBuild(id, b -> "RUNNING".equals(b.getString("state"))
            && b.getInteger("attempt") == 2, Duration.ofSeconds(60));
        assertThat(second.getString("worker")).isNotEqualTo(first);
        cluster.kill(second.getString("worker"));

        JsonObject failed = cluster.awaitEnd(id, Duration.ofSeconds(30));
        assertThat(failed.getString("state")).isEqualTo("FAILED");
        assertThat(failed.getString("reason")).startsWith("worker " + second.getString("worker") + " was lost (")
            .endsWith("during attempt 2 of 2; no retries left");
        cluster.awaitMails(id, 4);
        assertThat(cluster.mailsAbout(id)).containsExactly("started", "queued again", "started", "FAILED");
    }
}
