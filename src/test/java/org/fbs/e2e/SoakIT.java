package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.e2e.E2eCluster.history;
import static org.fbs.e2e.E2eCluster.isFinal;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many short builds over three workers while one worker after another is killed (-9) and started again: every
 * build ends, once, and every mail goes out once. {@code -Dfbs.soak.builds=N} sets how many (default 300).
 */
@Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
class SoakIT {

    static final int BUILDS = Integer.getInteger("fbs.soak.builds", 300);
    static final List<String> WORKERS = List.of("w1", "w2", "w3");
    /** How long the kills go on at most; the builds left then must still end, on the workers left running. */
    static final Duration CHAOS = Duration.ofMinutes(3);

    @AutoClose
    E2eCluster cluster;

    @Test
    void everyBuildEndsOnceAndEveryMailGoesOnceWhileWorkersAreKilled() throws Exception {
        // All builds are submitted at once by one user: lift the per-user queue limit (default 20) above them.
        cluster = new E2eCluster("soak", WORKERS.toArray(String[]::new));
        cluster.startMail();
        cluster.startMaster("  max-queued-per-user: " + (BUILDS + 1), Map.of());
        for (String w : WORKERS) {
            cluster.worker(w).start();
        }
        cluster.awaitWorkers(WORKERS.toArray(String[]::new));

        Instant start = Instant.now();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < BUILDS; i++) {
            ids.add(cluster.submit(E2eCluster.bootSpec("worker")));
        }

        int kills = 0;
        Instant chaosEnd = start.plus(CHAOS);
        while (unfinished(ids) > 0 && Instant.now().isBefore(chaosEnd)) {
            String victim = WORKERS.get(kills % WORKERS.size());
            cluster.kill(victim);
            kills++;
            cluster.restartWorker(victim);
            cluster.awaitWorkers(WORKERS.toArray(String[]::new));
            Thread.sleep(2_000); // let it build a little before the next kill: pacing, not a wait for a result
        }
        // On a loaded machine the stand-in's ISO alone takes seconds: what is left may take a while longer.
        Instant end = Instant.now().plus(Duration.ofMinutes(5));
        while (unfinished(ids) > 0 && Instant.now().isBefore(end)) {
            Thread.sleep(250);
        }
        Duration took = Duration.between(start, Instant.now());

        Map<Long, JsonObject> builds = new TreeMap<>();
        cluster.builds().stream().filter(b -> ids.contains(b.getLong("id"))).forEach(b -> builds.put(b.getLong("id"), b));
        assertThat(builds).as("every build listed").hasSize(BUILDS);
        List<JsonObject> open = builds.values().stream().filter(b -> !isFinal(b)).toList();
        assertThat(open).as("builds not ended" + cluster.outputs()).isEmpty();
        for (JsonObject b : builds.values()) {
            long finals = b.getJsonArray("history").stream().map(JsonObject.class::cast)
                .filter(h -> List.of("SUCCEEDED", "FAILED", "CANCELED").contains(h.getString("state"))).count();
            assertThat(finals).as("final transitions of build " + b.getLong("id")).isEqualTo(1);
        }

        // The mails each build's history calls for: a start per attempt that ran, a notice per requeue, one end.
        Map<String, Long> expected = new TreeMap<>();
        for (JsonObject b : builds.values()) {
            long id = b.getLong("id");
            expected.put(id + " started", startsOf(b));
            expected.put(id + " queued again", (long) history(b, "QUEUED").size() - 1);
            expected.put(id + " " + b.getString("state"), 1L);
        }
        expected.values().removeIf(n -> n == 0);
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        Instant mailEnd = Instant.now().plus(Duration.ofMinutes(1));
        while (cluster.mails().size() < total && Instant.now().isBefore(mailEnd)) {
            Thread.sleep(250);
        }
        Map<String, Long> received = cluster.mails().stream()
            .collect(Collectors.groupingBy(m -> m.getKey() + " " + m.getValue(), TreeMap::new, Collectors.counting()));
        assertThat(received).isEqualTo(expected);

        long requeues = builds.values().stream().mapToLong(b -> history(b, "QUEUED").size() - 1).sum();
        Map<String, Long> states = builds.values().stream()
            .collect(Collectors.groupingBy(b -> b.getString("state"), TreeMap::new, Collectors.counting()));
        Map<String, Long> failures = builds.values().stream().filter(b -> b.getString("state").equals("FAILED"))
            .collect(Collectors.groupingBy(b -> String.valueOf(b.getString("reason")).replaceAll("\\d+", "N"),
                TreeMap::new, Collectors.counting()));
        System.out.printf("SoakIT: %d builds over %d workers in %d s; %d kills; %d requeues; end states %s; "
            + "%d mails, none twice%n", BUILDS, WORKERS.size(), took.toSeconds(), kills, requeues, states, total);
        failures.forEach((reason, n) -> System.out.printf("SoakIT: %d FAILED: %s%n", n, reason));
    }

    /** Attempts that reached RUNNING: each got a start mail. */
    static long startsOf(JsonObject build) {
        long starts = 0;
        String before = null;
        for (Object o : build.getJsonArray("history")) {
            String state = ((JsonObject) o).getString("state");
            if (state.equals("RUNNING") && !"RUNNING".equals(before)) {
                starts++;
            }
            before = state;
        }
        return starts;
    }

    int unfinished(List<Long> ids) throws Exception {
        List<JsonObject> all = cluster.builds();
        return (int) all.stream().filter(b -> ids.contains(b.getLong("id")) && !isFinal(b)).count();
    }
}
