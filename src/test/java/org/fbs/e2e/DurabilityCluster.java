package org.fbs.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A master and named workers as real {@code java -jar fbs.jar} processes in one Hazelcast cluster on loopback, a
 * GreenMail server the master mails to, and the calls the durability tests make: kill a node (-9), start it again
 * on the same data, submit builds and poll them.
 */
final class DurabilityCluster implements AutoCloseable {

    static final Path STANDINS = Path.of(System.getProperty("fbs.standins", "src/test/standins")).toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String EMAIL = "qa@example.org";
    private static final Pattern SUBJECT = Pattern.compile("\\[FBS] build (\\d+) ([^:]+):.*");

    final Path dir;
    final Path staging;
    final GreenMail smtp;
    final String master;
    private final String clusterName = "fbs-dura-" + UUID.randomUUID();
    private final int masterHttp;
    private final String masterYaml;
    /** Hazelcast port of each node by name (kept across restarts); the master is "master". */
    private final Map<String, Integer> hazelcastPorts = new LinkedHashMap<>();
    private final Map<String, FbsNode> nodes = new LinkedHashMap<>();
    private final Map<String, String> workerYaml = new HashMap<>();
    private final Map<String, Map<String, String>> workerEnv = new HashMap<>();
    private final List<FbsNode> dead = new ArrayList<>();
    private int generation;

    /**
     * @param masterSettings extra {@code master:} lines (indented two spaces), e.g. {@code max-retries: 1}
     * @param workers        the names of the workers the cluster may have (each gets its Hazelcast port now)
     */
    DurabilityCluster(String name, String masterSettings, List<String> workers) throws IOException {
        dir = Files.createDirectories(Path.of("target", "e2e", name + "-" + System.currentTimeMillis()))
            .toAbsolutePath();
        staging = Files.createDirectories(dir.resolve("staging"));
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        hazelcastPorts.put("master", FbsNode.freePort());
        for (String worker : workers) {
            hazelcastPorts.put(worker, FbsNode.freePort());
        }
        masterHttp = FbsNode.freePort();
        master = "http://127.0.0.1:" + masterHttp;
        masterYaml = clusterYaml("master") + """
            master:
              http: {host: 127.0.0.1, port: %d}
              data-dir: %s
              smtp: {host: 127.0.0.1, port: %d, starttls: disabled, from: fbs@example.org}
            %s
            """.formatted(masterHttp, dir.resolve("master-data"), smtp.getSmtp().getPort(), masterSettings);
    }

    private String clusterYaml(String node) {
        StringBuilder members = new StringBuilder();
        for (int port : hazelcastPorts.values()) {
            members.append(members.length() == 0 ? "" : ", ").append("\"127.0.0.1:").append(port).append('"');
        }
        return """
            cluster:
              name: %s
              host: 127.0.0.1
              port: %d
              members: [%s]
            """.formatted(clusterName, hazelcastPorts.get(node), members);
    }

    /** Starts (or starts again, on the same data dir) the master, and waits until its API answers. */
    void startMaster() throws Exception {
        nodes.put("master", FbsNode.start("master-" + (++generation), "master", masterYaml, dir, Map.of()));
        Instant end = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(end)) {
            try {
                if (get(master + "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the master did not start:" + outputs());
    }

    /** Starts (or starts again, on the same work dir) worker {@code name} for x86_64/41. */
    void startWorker(String name, Map<String, String> env) throws IOException {
        workerEnv.put(name, env);
        workerYaml.computeIfAbsent(name, n -> {
            try {
                return clusterYaml(n) + """
                    worker:
                      id: %s
                      http: {host: 127.0.0.1, port: %d}
                      arches: [x86_64]
                      releases: ["41"]
                      work-dir: %s
                      staging-roots: [%s]
                      tools:
                        lorax: %s
                    """.formatted(n, FbsNode.freePort(), dir.resolve(n), staging, STANDINS.resolve("lorax"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        nodes.put(name, FbsNode.start(name + "-" + (++generation), "worker", workerYaml.get(name), dir, env));
    }

    void restartWorker(String name) throws IOException {
        startWorker(name, workerEnv.get(name));
    }

    /** kill -9 of a node's JVM. */
    void kill(String name) throws InterruptedException {
        FbsNode node = nodes.remove(name);
        node.kill();
        dead.add(node);
    }

    /** Waits until the master lists every one of {@code workers}. */
    void awaitWorkers(String... workers) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(end)) {
            try {
                JsonArray known = new JsonObject(get(master + "/api/v1/workers").body()).getJsonArray("workers");
                List<String> names = known.stream().map(w -> ((JsonObject) w).getString("worker")).toList();
                if (names.containsAll(List.of(workers))) {
                    return;
                }
            } catch (IOException notYet) {
                // the master is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("workers " + List.of(workers) + " did not join:" + outputs());
    }

    String bootSpec(String staged) {
        return """
            [DEFAULT]
            type=boot
            arch=x86_64
            release=41
            staging=%s
            email=%s
            """.formatted(staged, EMAIL);
    }

    long submit(String spec) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(master + "/api/v1/builds"))
            .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new AssertionError("submit answered " + created.statusCode() + ": " + created.body());
        }
        return new JsonObject(created.body()).getLong("id");
    }

    JsonObject build(long id) throws Exception {
        return new JsonObject(get(master + "/api/v1/builds/" + id).body());
    }

    JsonObject waitFor(long id, Predicate<JsonObject> done, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        JsonObject build = null;
        while (Instant.now().isBefore(end)) {
            try {
                HttpResponse<String> response = get(master + "/api/v1/builds/" + id);
                if (response.statusCode() == 200) {
                    build = new JsonObject(response.body());
                    if (done.test(build)) {
                        return build;
                    }
                }
            } catch (IOException masterDown) {
                // polled while the master restarts
            }
            Thread.sleep(100);
        }
        throw new AssertionError("build " + id + " did not get there in " + limit + "; last seen: "
            + (build == null ? "nothing" : build.encodePrettily()) + outputs());
    }

    /** Every build the master has (newest first). */
    List<JsonObject> builds() throws Exception {
        return new JsonObject(get(master + "/api/v1/builds?limit=1000").body()).getJsonArray("builds").stream()
            .map(JsonObject.class::cast).toList();
    }

    static boolean isFinal(JsonObject build) {
        return List.of("SUCCEEDED", "FAILED", "CANCELED").contains(build.getString("state"));
    }

    static List<JsonObject> history(JsonObject build, String state) {
        return build.getJsonArray("history").stream().map(JsonObject.class::cast)
            .filter(h -> h.getString("state").equals(state)).toList();
    }

    /** The mails GreenMail received, as "build id -> what" ("started", "queued again", "SUCCEEDED", ...). */
    List<Map.Entry<Long, String>> mails() throws MessagingException {
        List<Map.Entry<Long, String>> out = new ArrayList<>();
        for (MimeMessage mail : smtp.getReceivedMessages()) {
            Matcher m = SUBJECT.matcher(mail.getSubject());
            if (m.matches()) {
                out.add(Map.entry(Long.parseLong(m.group(1)), m.group(2)));
            }
        }
        return out;
    }

    List<String> mailsAbout(long build) throws MessagingException {
        return mails().stream().filter(e -> e.getKey() == build).map(Map.Entry::getValue).toList();
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    String outputs() {
        StringBuilder out = new StringBuilder();
        List<FbsNode> all = new ArrayList<>(dead);
        all.addAll(nodes.values());
        for (FbsNode node : all) {
            String text = node.output();
            // The end of each output is what explains a failure; the whole files stay in target/e2e.
            out.append("\n--- ").append(node.name).append(node.isAlive() ? "" : " (exited)").append(" ---\n")
                .append(text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text);
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        for (FbsNode node : nodes.values()) {
            node.close();
        }
        smtp.stop();
    }
}
