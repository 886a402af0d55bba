package org.fbs.e2e;

import static org.fbs.testkit.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The fbs client commands ({@code bin/fbs submit|status|list|logs|cancel|workers}) as a user runs them, against a
 * real master and two real workers (separate JVMs in one cluster on loopback). The workers run the lorax stand-in of
 * src/test/standins (it checks lorax's options and writes a real ISO with xorriso; it is not lorax): w-x86 quickly,
 * w-slow over ten minutes, so that a build of it is still running when it is canceled.
 *
 * <p>The CLI has no route to the workers: each worker announces itself under a name in the reserved {@code .test}
 * domain ({@code worker.public-url: http://w-x86.fbs.test:PORT}, so the build's {@code logUrl} names it), which only
 * the master can resolve (its JVM reads a hosts file of the test's, {@code -Djdk.net.hosts.file}, and Vert.x uses the
 * JVM's resolver, {@code -Dvertx.disableDnsResolver}). {@code bin/fbs} runs without them, as this JVM does, which
 * checks that it cannot resolve those names: every log line the CLI prints came through the master.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CliClientIT {

    @AutoClose
    static E2eCluster cluster;
    static Path dir;
    static Path staging;
    static String master;
    static long succeeded;
    /** Each worker's HTTP port, by the name under which only the master reaches it. */
    static final Map<String, Integer> workerPorts = new java.util.HashMap<>();
    static final String HIDDEN = ".fbs.test";

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new E2eCluster("cli", "w-x86", "w-slow");
        dir = cluster.dir;
        staging = cluster.staging;
        master = cluster.master;
        // Only the master knows where the workers' names lead.
        Path hosts = Files.writeString(dir.resolve("master-hosts"), "127.0.0.1 localhost\n127.0.0.1 w-x86" + HIDDEN
            + "\n127.0.0.1 w-slow" + HIDDEN + "\n");
        // The master first: nodes that start together each form a cluster of one.
        cluster.startMaster("", Map.of("JAVA_TOOL_OPTIONS",
            "-Djdk.net.hosts.file=" + hosts + " -Dvertx.disableDnsResolver=true"));
        startWorker("w-x86", "x86_64", Map.of("FBS_STANDIN_SLEEP", "2"));
        startWorker("w-slow", "aarch64", Map.of("FBS_STANDIN_SLEEP", "600"));
        cluster.awaitWorkers("w-x86", "w-slow");
    }

    static void startWorker(String id, String arch, Map<String, String> env) throws IOException {
        cluster.worker(id).arch(arch).publicHost(id + HIDDEN).env(env).start();
        workerPorts.put(id + HIDDEN, cluster.httpPort(id));
    }

    /** {@code bin/fbs ARGS} with FBS_URL set to the master (or {@code url}) and a home without client.yaml. */
    static Run fbsAt(String url, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/fbs"));
        command.addAll(List.of(args));
        String name = UUID.randomUUID().toString();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("FBS_") || key.equals("XDG_CONFIG_HOME"));
        env.put("HOME", dir.toString());
        env.put("FBS_URL", url);
        Process process = builder.start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("fbs " + String.join(" ", args)).isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    static Run fbs(String... args) throws Exception {
        return fbsAt(master, args);
    }

    static Path spec(String name, String arch) throws IOException {
        return Files.writeString(dir.resolve(name), "[DEFAULT]\ntype=boot\narch=" + arch + "\nrelease=41\nstaging="
            + staging.toUri() + "\n[boot]\nproduct=Fedora\n");
    }

    /** The id in "build N queued: ...". */
    static long queuedId(Run run) {
        Matcher m = Pattern.compile("^build ([0-9]+) queued: boot (\\S+), " + Pattern.quote(master)
            + "/api/v1/builds/\\1$", Pattern.MULTILINE).matcher(run.out());
        assertThat(m.find()).as(run.out() + run.err()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(0)
    void theCliHasNoRouteToTheWorkers() {
        // bin/fbs resolves names as this JVM does: if it cannot, the CLI cannot reach a worker by its logUrl.
        for (String worker : workerPorts.keySet()) {
            assertThatThrownBy(() -> InetAddress.getByName(worker)).as(worker)
                .isInstanceOf(UnknownHostException.class);
        }
        assertThat(workerPorts).hasSize(2);
    }

    @Test
    @Order(1)
    void submitFollowPrintsTheLogAndTheResultAndExits0() throws Exception {
        Run run = fbs("submit", spec("boot.conf", "x86_64").toString(), "--follow");

        assertThat(run.code()).as(run.out() + run.err() + cluster.outputs()).isZero();
        succeeded = queuedId(run);
        assertThat(URI.create(cluster.build(succeeded).getString("logUrl")).getHost()).isEqualTo("w-x86" + HIDDEN);
        assertThat(run.err()).as("nothing to say: the log came through the master").isEmpty();
        assertThat(run.out()).contains("== image ==", "Lorax stand-in for FBS tests", "creating boot.iso",
            "build " + succeeded + " succeeded\n", "\nbuild " + succeeded + " SUCCEEDED\n");
        // Each line of the log once, in order: the follow printed it as the worker wrote it, then the result.
        String log = workerLog(succeeded);
        assertThat(log).contains("creating boot.iso");
        assertThat(run.out()).startsWith("build " + succeeded + " queued: ").contains("\n" + log + "build "
            + succeeded + " SUCCEEDED\n");
        Matcher iso = Pattern.compile("^  boot\\.iso  ([0-9]+) bytes  sha256 ([0-9a-f]{64})  (\\S+)$", Pattern.MULTILINE)
            .matcher(run.out());
        assertThat(iso.find()).as(run.out()).isTrue();
        Path file = Path.of(URI.create(iso.group(3)));
        assertThat(iso.group(2)).isEqualTo(sha256(file));
        assertThat(Long.parseLong(iso.group(1))).isEqualTo(Files.size(file));
    }

    @Test
    @Order(2)
    void statusListAndWorkersShowTheBuild() throws Exception {
        Run status = fbs("status", String.valueOf(succeeded));
        Run list = fbs("list");
        Run filtered = fbs("list", "--state", "failed", "--arch", "x86_64");
        Run workers = fbs("workers");
        Run logs = fbs("logs", String.valueOf(succeeded));
        Run followed = fbs("logs", String.valueOf(succeeded), "--follow");

        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("build " + succeeded + ": SUCCEEDED\n  image:     boot x86_64/41\n")
            .contains("  worker:    w-x86\n", "  log:       fbs logs " + succeeded + "\n",
                "  boot.iso  ", "  CHECKSUM  ", "  build-" + succeeded + ".log  ");
        String boot = staging.resolve("Fedora-x86_64-41-" + succeeded + "/boot.iso").toString();
        assertThat(status.out()).contains(" bytes  sha256 " + sha256(Path.of(boot)) + "  file://" + boot);
        assertThat(list.code()).isZero();
        assertThat(list.out().lines().findFirst()).hasValue(
            "ID  STATE      IMAGE           OWNER  WORKER  SUBMITTED             REASON");
        assertThat(list.out()).containsPattern("(?m)^" + succeeded + " +SUCCEEDED +boot x86_64/41 +local +w-x86 +20");
        assertThat(filtered).isEqualTo(new Run(0, "no builds\n", ""));
        assertThat(workers.code()).isZero();
        assertThat(workers.out()).containsPattern("(?m)^w-x86 +x86_64/41 +boot +1 +1 +- +taking builds +[0-9]+s ago$")
            .containsPattern("(?m)^w-slow +aarch64/41 +");
        assertThat(logs).isEqualTo(new Run(0, workerLog(succeeded), ""));
        // Of an ended build, --follow prints the whole log and how it ended.
        assertThat(followed.code()).as(followed.err()).isZero();
        assertThat(followed.out()).startsWith(workerLog(succeeded) + "build " + succeeded + " SUCCEEDED\n");
    }

    @Test
    @Order(3)
    void aRunningBuildIsCanceledAndAQueuedOneAtOnce() throws Exception {
        long slow = queuedId(fbs("submit", spec("slow.conf", "aarch64").toString()));
        waitFor(slow, b -> "image".equals(b.getString("stage")));

        Run cancel = fbs("cancel", String.valueOf(slow));
        Run followed = fbs("logs", String.valueOf(slow), "--follow");
        Run status = fbs("status", String.valueOf(slow));

        assertThat(cancel).isEqualTo(new Run(0, "build " + slow + " is being stopped by worker w-slow; it ends CANCELED"
            + " once the worker has stopped it (fbs status " + slow + ")\n", ""));
        assertThat(followed.code()).as(followed.out() + followed.err()).isEqualTo(1);
        assertThat(followed.out()).contains("== image ==", "Lorax stand-in for FBS tests")
            .contains("\nbuild " + slow + " CANCELED: ");
        assertThat(followed.err()).doesNotContain("cannot reach");
        assertThat(followed.out()).startsWith(workerLog(slow));
        assertThat(status.out()).startsWith("build " + slow + ": CANCELED\n");

        // No worker builds s390x: the build waits in the queue, and a cancel ends it at once.
        Path s390 = spec("s390.conf", "s390x");
        long waiting = queuedId(fbs("submit", s390.toString()));
        waitFor(waiting, b -> b.getString("reason") != null);
        Run active = fbs("status");
        Run noLog = fbs("logs", String.valueOf(waiting));
        Run canceled = fbs("cancel", String.valueOf(waiting));
        Run again = fbs("cancel", String.valueOf(waiting));

        assertThat(active.out()).startsWith("1 build not ended yet: 1 queued\n")
            .containsPattern("(?m)^" + waiting + " +QUEUED +boot s390x/41 .* no worker online for s390x/41$");
        assertThat(noLog).isEqualTo(new Run(1, "", "error: build " + waiting + " has no log yet: it is QUEUED (no "
            + "worker online for s390x/41)\n"));
        assertThat(canceled).isEqualTo(new Run(0, "build " + waiting + " CANCELED: canceled before a worker took it\n",
            ""));
        assertThat(again).isEqualTo(new Run(1, "", "error: build " + waiting + " has already ended: CANCELED\n"));
        assertThat(fbs("status")).isEqualTo(new Run(0, "no builds queued or running\n", ""));
    }

    @Test
    @Order(4)
    void aBadSpecPrintsTheValidatorsErrorsAndExits1() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.conf"), "[DEFAULT]\ntype=boot\narch=x86\nrelease=forty\n");
        int before = cluster.builds().size();

        Run run = fbs("submit", bad.toString(), "--follow");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: the build spec has errors\n")
            .contains("\n  [DEFAULT] arch: unknown arch 'x86'", "\n  [DEFAULT] release: ").doesNotContain("\tat ");
        assertThat(cluster.builds().size()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void noMasterAtTheUrlExits2NamingIt() throws Exception {
        String nobody = "http://127.0.0.1:" + freePort();

        Run run = fbsAt(nobody, "submit", spec("boot.conf", "x86_64").toString());

        assertThat(run).isEqualTo(new Run(2, "", "error: cannot reach the FBS master at " + nobody
            + ": connection refused\n"));
    }

    /** The build's log as its worker serves it: the test reaches the worker by its port, which the CLI cannot. */
    static String workerLog(long id) throws Exception {
        URI logUrl = URI.create(cluster.build(id).getString("logUrl"));
        Integer port = workerPorts.get(logUrl.getHost());
        assertThat(port).as(logUrl.toString()).isNotNull();
        HttpResponse<String> log = cluster.get("http://127.0.0.1:" + port + logUrl.getRawPath() + "?" + logUrl.getRawQuery());
        assertThat(log.statusCode()).isEqualTo(200);
        return log.body();
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static void waitFor(long id, Predicate<JsonObject> check) throws Exception {
        cluster.awaitBuild(id, check, Duration.ofSeconds(60));
    }
}
