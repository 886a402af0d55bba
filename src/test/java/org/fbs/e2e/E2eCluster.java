package org.fbs.e2e;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.TestTools;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
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
 * A master and workers as real {@code java -jar fbs.jar} processes in one Hazelcast cluster on loopback, their
 * files under {@code target/e2e/NAME-TIME}, an optional GreenMail server the master mails to, and the REST calls
 * the end-to-end tests make. A node keeps its ports and its config across restarts (kill -9, SIGTERM, exit), so it
 * comes back on the same data; every process ever started stays in {@link #outputs()}, and its output file stays.
 */
final class E2eCluster implements AutoCloseable {

    static final Path STANDINS = TestTools.STANDINS;
    static final String MASTER = "master";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SUBJECT = Pattern.compile("\\[FBS] build (\\d+) ([^:]+):.*");

    final Path dir;
    final Path staging;
    /** The master's base URL. */
    final String master;
    private final String clusterName;
    private final Path secretFile;
    /** Hazelcast port of each node by name, all of them in every node's member list. */
    private final Map<String, Integer> hazelcastPorts = new LinkedHashMap<>();
    private final Map<String, Integer> httpPorts = new HashMap<>();
    /** Event-bus port of each node by name (cluster.event-bus-port), the same across its restarts. */
    private final Map<String, Integer> eventBusPorts = new HashMap<>();
    private final Map<String, FbsNode> running = new LinkedHashMap<>();
    private final List<FbsNode> started = new ArrayList<>();
    private final Map<String, Integer> starts = new HashMap<>();
    private final Map<String, Worker> workers = new HashMap<>();
    private final List<String> clusterSettings = new ArrayList<>();
    private String masterSettings = "";
    private Map<String, String> masterEnv = Map.of();
    private GreenMail smtp;
    private String smtpLogin;
    private String smtpPassword;
    private String token;

    /**
     * @param name    names the test's folder and its Hazelcast cluster
     * @param workers the workers the cluster will have: their Hazelcast ports are in every member list from the start
     */
    E2eCluster(String name, String... workers) throws IOException {
        dir = Files.createDirectories(Path.of("target", "e2e", name + "-" + System.currentTimeMillis()))
            .toAbsolutePath();
        staging = Files.createDirectories(dir.resolve("staging"));
        clusterName = "fbs-" + name + "-" + UUID.randomUUID();
        hazelcastPorts.put(MASTER, freePort());
        for (String worker : workers) {
            hazelcastPorts.put(worker, freePort());
        }
        master = "http://127.0.0.1:" + httpPort(MASTER);
        // The secret every node of the cluster shares, as `fbs cluster keys` makes it: the master signs the worker
        // links with it, the workers check them.
        secretFile = dir.resolve("cluster-secret");
        Files.write(secretFile, org.fbs.cluster.LinkSigner.newSecret());
        Files.setPosixFilePermissions(secretFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** An extra line of every node's {@code cluster:} section, e.g. {@code tls: {enabled: false}}. */
    E2eCluster clusterSetting(String line) {
        clusterSettings.add(line);
        return this;
    }

    /** Every request of {@link #get}/{@link #post} carries this token, for a master with login on. */
    E2eCluster bearer(String accessToken) {
        token = accessToken;
        return this;
    }

    /** Starts a GreenMail SMTP server the master (started after this) sends its mails to. */
    GreenMail startMail() {
        return startMail(null, null);
    }

    /** The same, with an SMTP login the master must use. */
    GreenMail startMail(String login, String password) {
        GreenMail server = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        if (login != null) {
            server = server.withConfiguration(GreenMailConfiguration.aConfig().withUser(login, password));
        }
        server.start();
        smtp = server;
        smtpLogin = login;
        smtpPassword = password;
        return server;
    }

    GreenMail smtp() {
        return smtp;
    }

    /**
     * Starts the master and waits until {@code /readyz} answers 200.
     *
     * @param settings extra lines of its {@code master:} section, each indented two spaces
     * @param env      extra environment of its JVM
     */
    FbsNode startMaster(String settings, Map<String, String> env) throws Exception {
        masterSettings = settings;
        masterEnv = env;
        return restartMaster();
    }

    FbsNode startMaster() throws Exception {
        return startMaster("", Map.of());
    }

    /** Starts the master again, as it was started before, on the same data dir; waits until it is ready. */
    FbsNode restartMaster() throws Exception {
        StringBuilder yaml = new StringBuilder(clusterYaml(MASTER)).append("master:\n")
            .append("  http: {host: 127.0.0.1, port: ").append(httpPort(MASTER)).append("}\n")
            .append("  data-dir: ").append(dir.resolve("master-data")).append('\n');
        if (smtp != null) {
            yaml.append("  smtp: {host: 127.0.0.1, port: ").append(smtp.getSmtp().getPort())
                .append(", starttls: disabled, ")
                .append(smtpLogin == null ? "" : "login: " + smtpLogin + ", password: \"" + smtpPassword + "\", ")
                .append("from: fbs@example.org}\n");
        }
        yaml.append(masterSettings.isEmpty() || masterSettings.endsWith("\n") ? masterSettings : masterSettings + "\n");
        FbsNode node = start(MASTER, "master", yaml.toString(), masterEnv);
        awaitReady();
        return node;
    }

    private void awaitReady() throws Exception {
        eventually("the master to start", Duration.ofSeconds(90), () -> get(master + "/readyz").statusCode(),
            status -> status == 200, this::outputs);
    }

    /** A worker to configure and {@link Worker#start()}; x86_64/41 with the lorax stand-in unless told otherwise. */
    Worker worker(String id) {
        return workers.computeIfAbsent(id, Worker::new);
    }

    /** Starts worker {@code id} again as it was started last, on the same work dir and ports. */
    FbsNode restartWorker(String id) throws IOException {
        return workers.get(id).start();
    }

    /** The same, with another environment (from now on). */
    FbsNode restartWorker(String id, Map<String, String> env) throws IOException {
        return workers.get(id).env(env).start();
    }

    /** One worker's config; {@link #start()} writes it and starts the JVM. */
    final class Worker {
        private final String id;
        private String arch = "x86_64";
        private String release = "41";
        private final Map<String, String> tools = new LinkedHashMap<>();
        private final List<String> settings = new ArrayList<>();
        private String publicHost;
        private Map<String, String> env = Map.of();

        private Worker(String id) {
            this.id = id;
            tools.put("lorax", STANDINS.resolve("lorax").toString());
            // whatever the host has: a test gives a worker the pungi-koji stand-in when it wants the compose route
            tools.put("pungi-koji", dir.resolve("absent/pungi-koji").toString());
        }

        Worker arch(String value) {
            arch = value;
            return this;
        }

        Worker release(String value) {
            release = value;
            return this;
        }

        /** Builds for each of {@code values}. */
        Worker releases(String... values) {
            release = String.join("\", \"", values);
            return this;
        }

        /** Every tool's stand-in of src/test/standins, not only lorax's. */
        Worker allStandIns() {
            tools.putAll(TestTools.standIns());
            return this;
        }

        Worker tool(String name, String path) {
            tools.put(name, path);
            return this;
        }

        /** An extra line of its {@code worker:} section, e.g. {@code build-timeout: 20s}. */
        Worker setting(String line) {
            settings.add(line);
            return this;
        }

        /** Announces itself as {@code http://HOST:ITS-PORT} ({@code worker.public-url}). */
        Worker publicHost(String host) {
            publicHost = host;
            return this;
        }

        Worker env(Map<String, String> value) {
            env = value;
            return this;
        }

        FbsNode start() throws IOException {
            int port = httpPort(id);
            StringBuilder yaml = new StringBuilder(clusterYaml(id)).append("worker:\n")
                .append("  id: ").append(id).append('\n')
                .append("  http: {host: 127.0.0.1, port: ").append(port).append("}\n");
            if (publicHost != null) {
                yaml.append("  public-url: http://").append(publicHost).append(':').append(port).append('\n');
            }
            yaml.append("  arches: [").append(arch).append("]\n")
                .append("  releases: [\"").append(release).append("\"]\n")
                .append("  work-dir: ").append(dir.resolve(id)).append('\n')
                .append("  staging-roots: [").append(staging).append("]\n")
                // Test machines have less free disk than a real worker needs (worker.min-free-disk: 20GiB).
                .append("  min-free-disk: 16MiB\n");
            settings.forEach(line -> yaml.append("  ").append(line).append('\n'));
            // Every tool named, the ones not set at a path that does not exist: never the worker's defaults.
            yaml.append(TestTools.yaml(tools, 2));
            return E2eCluster.this.start(id, "worker", yaml.toString(), env);
        }
    }

    private String clusterYaml(String node) throws IOException {
        int port = hazelcastPort(node);
        List<String> members = hazelcastPorts.values().stream().map(p -> "\"127.0.0.1:" + p + "\"").toList();
        StringBuilder yaml = new StringBuilder("cluster:\n")
            .append("  name: ").append(clusterName).append('\n')
            .append("  host: 127.0.0.1\n")
            .append("  port: ").append(port).append('\n')
            .append("  event-bus-port: ").append(portOf(eventBusPorts, node)).append('\n')
            .append("  members: [").append(String.join(", ", members)).append("]\n")
            .append("  secret-file: ").append(secretFile).append('\n');
        clusterSettings.forEach(line -> yaml.append("  ").append(line).append('\n'));
        return yaml.toString();
    }

    private int hazelcastPort(String node) throws IOException {
        return portOf(hazelcastPorts, node);
    }

    /** The HTTP port of node {@code name}, the same across its restarts. */
    int httpPort(String name) throws IOException {
        return portOf(httpPorts, name);
    }

    private static int portOf(Map<String, Integer> ports, String name) throws IOException {
        if (!ports.containsKey(name)) {
            ports.put(name, freePort());
        }
        return ports.get(name);
    }

    /** The base URL of worker (or master) {@code name} on loopback. */
    String url(String name) throws IOException {
        return "http://127.0.0.1:" + httpPort(name);
    }

    /** The first process of a node is named after it (its output is NAME.out), a later one NAME-2, NAME-3... */
    private FbsNode start(String name, String role, String yaml, Map<String, String> env) throws IOException {
        int n = starts.merge(name, 1, Integer::sum);
        FbsNode node = FbsNode.start(n == 1 ? name : name + "-" + n, role, yaml, dir, env);
        started.add(node);
        running.put(name, node);
        return node;
    }

    /** The running process of node {@code name}. */
    FbsNode node(String name) {
        return running.get(name);
    }

    /** kill -9 of a node's JVM. */
    void kill(String name) throws InterruptedException {
        running.remove(name).kill();
    }

    /** Waits until the master's worker list names every one of {@code ids}. */
    void awaitWorkers(String... ids) throws Exception {
        // While the master (re)starts, the probe fails and is asked again.
        eventually("workers " + List.of(ids) + " to join", Duration.ofSeconds(120), () -> new JsonObject(
                get(master + "/api/v1/workers").body()).getJsonArray("workers").stream()
                .map(w -> ((JsonObject) w).getString("worker")).toList(),
            names -> names.containsAll(List.of(ids)), this::outputs);
    }

    // ---- the master's REST API --------------------------------------------------------------------------------

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(request(url).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST of {@code body} to the master's {@code path}. */
    HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        return HTTP.send(request(master + path).header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return post(path, "application/json", json);
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    /** Submits a JSON spec; the master must answer 201. */
    long submit(JsonObject spec) throws Exception {
        return created(postJson("/api/v1/builds", spec.encode()));
    }

    /** Submits an INI spec; the master must answer 201. */
    long submit(String ini) throws Exception {
        return created(post("/api/v1/builds", "text/plain", ini));
    }

    private static long created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new JsonObject(response.body()).getLong("id");
    }

    JsonObject build(long id) throws Exception {
        return new JsonObject(get(master + "/api/v1/builds/" + id).body());
    }

    /** Every build the master has (newest first). */
    List<JsonObject> builds() throws Exception {
        return new JsonObject(get(master + "/api/v1/builds?limit=1000").body()).getJsonArray("builds").stream()
            .map(JsonObject.class::cast).toList();
    }

    /** Polls build {@code id} until {@code done} holds (a master restarting meanwhile is waited for). */
    JsonObject awaitBuild(long id, Predicate<JsonObject> done, Duration limit) throws Exception {
        return eventually("build " + id + " to get there", limit, () -> {
            HttpResponse<String> response = get(master + "/api/v1/builds/" + id);
            return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
        }, build -> build != null && done.test(build), this::outputs);
    }

    JsonObject awaitEnd(long id, Duration limit) throws Exception {
        return awaitBuild(id, E2eCluster::isFinal, limit);
    }

    static boolean isFinal(JsonObject build) {
        return List.of("SUCCEEDED", "FAILED", "CANCELED").contains(build.getString("state"));
    }

    /** The build's history entries of {@code state}, oldest first. */
    static List<JsonObject> history(JsonObject build, String state) {
        return build.getJsonArray("history").stream().map(JsonObject.class::cast)
            .filter(h -> h.getString("state").equals(state)).toList();
    }

    /** An x86_64/41 boot spec staging to {@code staged}, whose builds mail {@code qa@example.org}. */
    static String bootSpec(String staged) {
        return """
            [DEFAULT]
            type=boot
            arch=x86_64
            release=41
            staging=%s
            email=qa@example.org
            """.formatted(staged);
    }

    // ---- mails ------------------------------------------------------------------------------------------------

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

    /** What the mails about {@code build} say, in the order they came. */
    List<String> mailsAbout(long build) throws MessagingException {
        return mails().stream().filter(e -> e.getKey() == build).map(Map.Entry::getValue).toList();
    }

    /** Waits up to 30 s for {@code count} mails about {@code build}; the caller asserts what came. */
    void awaitMails(long build, int count) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (mailsAbout(build).size() < count && Instant.now().isBefore(end)) {
            Thread.sleep(100);
        }
    }

    // ---- outputs and the end ----------------------------------------------------------------------------------

    /** The end of what every process printed, for a failure message; the whole files stay in {@link #dir}. */
    String outputs() {
        StringBuilder out = new StringBuilder();
        for (FbsNode node : started) {
            String text = node.output();
            out.append("\n--- ").append(node.name).append(node.isAlive() ? "" : " (exited)").append(" ---\n")
                .append(text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text);
        }
        return out.toString();
    }

    /** Stops every process still running (SIGTERM, then -9) and the mail server. */
    @Override
    public void close() throws Exception {
        for (FbsNode node : started) {
            node.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }
}
