package org.fbs.e2e;

import static org.fbs.testkit.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A master and two workers on hosts of their own (network namespaces, {@link NetworkLab}), set up as the README's
 * "Deploying on several hosts" says and nothing more: keys made by {@code fbs cluster keys}, the lines of its
 * cluster.yaml in every node's config, event-bus TLS on, the fixed ports (Hazelcast 5701, event bus 5730) on every
 * host. Then, five times over, worker w1's cable is pulled while it runs a build, for longer than the master's worker
 * timeout (4 s), and plugged back: alternately 12 s (Hazelcast keeps the member, the TCP connections hold what they
 * could not send and deliver it late, such as an offer the master gave up on) and 20 s (Hazelcast drops the member,
 * and the halves merge again). Issue 21 saw one run in three end CANCELED with its image removed, and a build run
 * again after it SUCCEEDED; here every build must end SUCCEEDED exactly once with its image staged and its checksum
 * right, no attempt may start after it, and a lapsed offer that reaches w1 is refused (w1's log says so). Needs root
 * (CI runs as root); skipped, saying why, without.
 */
class PartitionIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int ROUNDS = Integer.getInteger("fbs.partition.rounds", 5);

    static NetworkLab lab;
    static Path dir;
    static Path staging;
    static String master;
    static final List<FbsNode> nodes = new ArrayList<>();

    @BeforeAll
    static void deployAsTheReadmeSays() throws Exception {
        String why = NetworkLab.unavailable();
        assumeTrue(why == null, () -> "PartitionIT skipped: " + why);
        dir = Files.createDirectories(Path.of("target", "e2e", "partition-" + System.currentTimeMillis()))
            .toAbsolutePath();
        staging = Files.createDirectories(dir.resolve("staging"));
        lab = new NetworkLab();
        String masterHost = lab.here();
        String w1 = lab.host("w1");
        String w2 = lab.host("w2");

        // README step 3: the keys, made once.
        Path keys = dir.resolve("cluster");
        Process made = new ProcessBuilder(java(), "-jar", jar(), "cluster", "keys", keys.toString())
            .redirectErrorStream(true).start();
        String said = new String(made.getInputStream().readAllBytes());
        assertThat(made.waitFor()).as(said).isZero();
        List<String> keyLines = Files.readAllLines(keys.resolve("cluster.yaml")).stream()
            .filter(l -> l.startsWith("  ")).toList();

        // README step 2: the same name everywhere, every node in the members, this host's own address.
        String name = "fbs-partition-" + UUID.randomUUID();
        String members = "[\"" + masterHost + ":5701\", \"" + w1 + ":5701\", \"" + w2 + ":5701\"]";
        int masterPort = freePort();
        master = "http://127.0.0.1:" + masterPort;
        nodes.add(FbsNode.start("master", "master", cluster(name, members, masterHost, keyLines)
            + "master:\n"
            + "  http: {host: 127.0.0.1, port: " + masterPort + "}\n"
            + "  data-dir: " + dir.resolve("master-data") + "\n"
            + "  worker-timeout: 4s\n", dir, Map.of()));
        for (String[] worker : List.of(new String[] {"w1", w1}, new String[] {"w2", w2})) {
            String id = worker[0];
            nodes.add(FbsNode.start(id, "worker", cluster(name, members, worker[1], keyLines)
                + "worker:\n"
                + "  id: " + id + "\n"
                + "  http: {host: " + worker[1] + ", port: 5100}\n"
                + "  arches: [x86_64]\n"
                + "  releases: [\"41\"]\n"
                + "  heartbeat-interval: 1s\n"
                + "  work-dir: " + dir.resolve(id) + "\n"
                + "  staging-roots: [" + staging + "]\n"
                + "  tools:\n"
                + "    lorax: " + E2eCluster.STANDINS.resolve("lorax") + "\n",
                dir, Map.of("FBS_STANDIN_SLEEP", "6"), command -> lab.on(id, command)));
        }
        awaitWorkers("w1", "w2");
        for (FbsNode node : nodes) {
            assertThat(node.output()).as(node.name + " says TLS is on and with which key")
                .contains("event-bus TLS is on: this node presents CN=fbs-cluster (SHA-256 ")
                .doesNotContain(keyLines.stream().filter(l -> l.contains("password")).findFirst().orElseThrow()
                    .replaceAll(".*: \"([^\"]+)\"", "$1"));
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (FbsNode node : nodes) {
            node.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aWorkerCutOffLongerThanItsTimeoutLeavesEveryBuildSucceededOnceWithItsImage() throws Exception {
        List<String> rounds = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            Duration cut = Duration.ofSeconds(round % 2 == 1 ? 12 : 20);
            // Both workers free, as the master hears them now: after the last round's cut, w1 may be back in the
            // cluster before it has announced itself again, and a build would then wait for it while the other ran.
            awaitFree(Instant.now(), "w1", "w2");
            long a = submit();
            long b = submit();
            // Both workers are free: each takes one. Cut the one w1 runs while its tool runs.
            awaitBuild(a, running(), Duration.ofSeconds(120));
            awaitBuild(b, running(), Duration.ofSeconds(120));
            long onW1 = "w1".equals(build(a).getString("worker")) ? a : b;
            assertThat(build(onW1).getString("worker")).isEqualTo("w1");
            lab.cut("w1");
            Instant restoreAt = Instant.now().plus(cut);
            Thread.sleep(Duration.between(Instant.now(), restoreAt).toMillis());
            lab.restore("w1");
            awaitWorkerHeard("w1");
            for (long id : List.of(a, b)) {
                JsonObject end = awaitBuild(id, E2eCluster::isFinal, Duration.ofSeconds(240));
                assertThat(end.getString("state")).as("build %d of round %d (%s cut): %s", id, round, cut,
                    end.encodePrettily()).isEqualTo("SUCCEEDED");
            }
            // Anything held up in the network has arrived by now, and w1 has resent what it kept.
            Thread.sleep(3_000);
            for (long id : List.of(a, b)) {
                JsonObject end = build(id);
                assertThat(end.getString("state")).as("build %d stays SUCCEEDED", id).isEqualTo("SUCCEEDED");
                List<String> states = end.getJsonArray("history").stream()
                    .map(h -> ((JsonObject) h).getString("state")).toList();
                assertThat(states).as("build %d: %s", id, states)
                    .containsOnlyOnce("SUCCEEDED").doesNotContain("CANCELED", "FAILED")
                    .endsWith("SUCCEEDED");
                assertImageKept(end);
            }
            rounds.add("round " + round + ": cut " + cut.toSeconds() + " s, build " + onW1 + " on w1: "
                + E2eCluster.history(build(onW1), "QUEUED").size() + " queued");
        }
        String masterLog = nodes.get(0).output();
        String w1 = nodes.get(1).output();
        System.out.println("PartitionIT: " + String.join("; ", rounds) + "; offers the master gave up waiting for: "
            + count(masterLog, "did not answer the offer of build") + "; lapsed offers w1 refused: "
            + count(w1, "refusing the offer of lease") + "; stale events ignored: "
            + count(masterLog, "ignoring a "));
        // An offer the master gave up on (held in the network while the cable was out) never started a run: the worker
        // refused it as lapsed, so the master never had to stop a run it had not leased.
        assertThat(masterLog).as("no stale offer was taken").doesNotContain("which is no longer queued");
    }

    private static long count(String log, String what) {
        return log.lines().filter(l -> l.contains(what)).count();
    }

    /** The staged boot.iso is there, and is the file whose size and SHA-256 the master recorded. */
    private static void assertImageKept(JsonObject build) throws Exception {
        JsonObject iso = build.getJsonArray("artifacts").stream().map(JsonObject.class::cast)
            .filter(a -> a.getString("name").equals("boot.iso")).findFirst()
            .orElseThrow(() -> new AssertionError("no boot.iso recorded: " + build.encodePrettily()));
        String location = iso.getString("location");
        Path file = location.startsWith("file:") ? Path.of(URI.create(location))
            : staging.resolve("Fedora-x86_64-41-" + build.getLong("id")).resolve("boot.iso");
        assertThat(file).as("build %d's image", build.getLong("id")).isRegularFile().startsWith(staging);
        assertThat(Files.size(file)).isEqualTo(iso.getLong("size"));
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
            .isEqualTo(iso.getString("sha256"));
    }

    private static String cluster(String name, String members, String host, List<String> keyLines) {
        return "cluster:\n"
            + "  name: " + name + "\n"
            + "  members: " + members + "\n"
            + "  host: " + host + "\n"
            + "  port: 5701\n"
            + "  event-bus-port: 5730\n"
            + String.join("\n", keyLines) + "\n";
    }

    private static Predicate<JsonObject> running() {
        return b -> "RUNNING".equals(b.getString("state")) && "image".equals(b.getString("stage"));
    }

    private static long submit() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(master + "/api/v1/builds"))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString(E2eCluster.bootSpec(staging.toUri().toString()))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new JsonObject(response.body()).getLong("id");
    }

    private static JsonObject build(long id) throws Exception {
        return new JsonObject(get("/api/v1/builds/" + id));
    }

    private static String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(master + path)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonObject awaitBuild(long id, Predicate<JsonObject> done, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        JsonObject last = null;
        while (Instant.now().isBefore(end)) {
            last = build(id);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("build " + id + " did not get there in " + limit + ": "
            + (last == null ? "nothing" : last.encodePrettily()) + outputs());
    }

    private static void awaitWorkers(String... ids) throws Exception {
        // Generous: on a loaded machine three JVMs with TLS take minutes to start.
        Instant end = Instant.now().plus(Duration.ofSeconds(300));
        while (Instant.now().isBefore(end)) {
            try {
                List<String> names = new JsonObject(get("/api/v1/workers")).getJsonArray("workers").stream()
                    .map(w -> ((JsonObject) w).getString("worker")).toList();
                if (names.containsAll(List.of(ids))) {
                    return;
                }
            } catch (IOException | RuntimeException notYet) {
                // the master is starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("workers " + List.of(ids) + " did not join" + outputs());
    }

    /** Waits until the master lists {@code id} again after the cable came back. */
    /** Waits until the master has heard each worker announce a free slot since {@code since}. */
    private static void awaitFree(Instant since, String... ids) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(120));
        List<String> waiting = List.of(ids);
        while (Instant.now().isBefore(end)) {
            List<String> free = new JsonObject(get("/api/v1/workers")).getJsonArray("workers").stream()
                .map(JsonObject.class::cast)
                .filter(w -> w.getInteger("free", 0) > 0 && Instant.parse(w.getString("lastSeen")).isAfter(since))
                .map(w -> w.getString("worker")).toList();
            if (free.containsAll(waiting)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("workers " + waiting + " did not announce a free slot" + outputs());
    }

    private static void awaitWorkerHeard(String id) throws Exception {
        Thread.sleep(500);
        awaitWorkers(id);
    }

    private static String outputs() {
        StringBuilder out = new StringBuilder();
        for (FbsNode node : nodes) {
            String text = node.output();
            out.append("\n--- ").append(node.name).append(" ---\n")
                .append(text.length() > 8000 ? "..." + text.substring(text.length() - 8000) : text);
        }
        return out.toString();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        return Path.of(System.getProperty("fbs.jar", "target/fbs.jar")).toAbsolutePath().toString();
    }
}
