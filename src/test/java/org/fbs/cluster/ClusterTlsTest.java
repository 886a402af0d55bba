package org.fbs.cluster;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.fbs.testkit.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fbs.Main;
import org.fbs.config.ClusterSettings;
import org.fbs.config.ClusterTls;
import org.fbs.config.FbsConfig;
import org.fbs.ops.NodeMetrics;
import org.junit.jupiter.api.AfterEach;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cluster.tls.*: two nodes with the keys {@code fbs cluster keys} made exchange event-bus messages over TLS; a node
 * whose certificate they do not trust (made with the JDK's keytool in the test) joins Hazelcast but gets no message
 * through. A node on an address other hosts reach refuses to start without TLS.
 */
class ClusterTlsTest {

    /** Joining a Hazelcast cluster takes seconds; on a loaded machine much longer. */
    private static final java.time.Duration JOIN_PATIENCE = java.time.Duration.ofSeconds(60);

    @TempDir
    Path dir;
    final List<Vertx> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Vertx node : nodes) {
            await(node.close());
        }
    }

    @Test
    void nodesWithTrustedCertificatesTalkAndAnUntrustedOneCannot() throws Exception {
        ClusterTls trusted = clusterKeys(dir.resolve("made")).tls();
        ClusterTls stranger = keys("stranger");
        String name = "fbs-tls-" + UUID.randomUUID();
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();

        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
            .getLogger(ClusterNode.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
            new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        Vertx a;
        try {
            a = join(new ClusterSettings(name, members, "127.0.0.1", ports.get(0), null, trusted));
        } finally {
            log.detachAppender(lines);
        }
        // The start-up line says TLS is on and with which certificate, as keytool fingerprints it; no password.
        String fingerprint = keytoolFingerprint(trusted);
        assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
            .anySatisfy(line -> assertThat(line).startsWith("event-bus TLS is on: this node presents CN=fbs-cluster "
                    + "(SHA-256 " + fingerprint + ", valid until ")
                .contains(trusted.keyStore()).contains("trusts the 1 certificate in " + trusted.trustStore())
                .doesNotContain(trusted.keyStorePassword()).doesNotContain(trusted.trustStorePassword()))
            .noneSatisfy(line -> assertThat(line).contains(trusted.keyStorePassword()));
        AtomicInteger heard = new AtomicInteger();
        await(a.eventBus().<JsonObject>consumer("fbs.test.tls", msg -> {
            heard.incrementAndGet();
            msg.reply(new JsonObject().put("pong", msg.body().getString("ping")));
        }).completion());
        Vertx b = join(new ClusterSettings(name, members, "127.0.0.1", ports.get(1), null, trusted));

        JsonObject answer = awaitAnswer(b);
        assertThat(answer.getString("pong")).isEqualTo("hello");
        int before = heard.get();

        Vertx c = join(new ClusterSettings(name, members, "127.0.0.1", ports.get(2), null, stranger));
        // c is in the Hazelcast cluster (it sees a's consumer), but the TLS handshake with a fails.
        Throwable refused = null;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            refused = c.eventBus().<JsonObject>request("fbs.test.tls", new JsonObject().put("ping", "intruder"),
                    new DeliveryOptions().setSendTimeout(5_000))
                .toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get(30, TimeUnit.SECONDS);
            // NO_HANDLERS only means c has not yet heard of a's consumer: ask again until it has.
        } while (isNoHandlers(refused) && System.nanoTime() < end && sleep());
        assertThat(refused).isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
        assertThat(heard.get()).isEqualTo(before);
    }

    @Test
    void aWrongStoreOrPasswordIsNamedBeforeTheNodeStarts() throws Exception {
        ClusterTls made = clusterKeys(dir.resolve("made")).tls();
        ClusterTls wrongPassword = new ClusterTls(true, made.keyStore(), "not-it", made.trustStore(),
            made.trustStorePassword());
        assertThatThrownBy(() -> await(ClusterNode.join(new ClusterSettings("fbs-x", List.of("127.0.0.1:1"),
                "127.0.0.1", 0, null, wrongPassword), NodeMetrics.newRegistry())))
            .cause().hasMessageStartingWith("cluster config: cluster.tls.key-store: cannot read " + made.keyStore())
            .hasMessageEndingWith("wrong password (cluster.tls.key-store-password)");
        ClusterTls noTrust = new ClusterTls(true, made.keyStore(), made.keyStorePassword(),
            dir.resolve("missing.p12").toString(), "x");
        assertThatThrownBy(() -> EventBusCertificate.read(noTrust))
            .hasMessageStartingWith("cluster.tls.trust-store: cannot read " + dir.resolve("missing.p12"));
    }

    @Test
    void tlsSettingsAreReadFromTheConfigAndTheirPasswordsNeverShown() {
        ClusterSettings settings = FbsConfig.from(new JsonObject().put("cluster", new JsonObject().put("tls",
            new JsonObject().put("enabled", true).put("key-store", "/etc/fbs/node.p12")
                .put("key-store-password", "k3y-s3cret").put("trust-store", "/etc/fbs/trust.p12")
                .put("trust-store-password", "tru5t-s3cret")))).cluster();
        assertThat(settings.tls().enabled()).isTrue();
        assertThat(settings.tls().keyStorePassword()).isEqualTo("k3y-s3cret");
        assertThat(settings.toString()).contains("/etc/fbs/node.p12").doesNotContain("k3y-s3cret")
            .doesNotContain("tru5t-s3cret");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FbsConfig.from(new JsonObject().put("cluster",
                new JsonObject().put("tls", new JsonObject().put("enabled", true).put("key-store", "/k.p12")))))
            .hasMessage("cluster.tls.trust-store: required when cluster.tls.enabled is true");
        assertThat(FbsConfig.from(new JsonObject()).cluster().tls().enabled()).isFalse();
    }

    @Test
    void clusterKeysWritesOwnerOnlyFilesAndNeverOverwritesThem() throws Exception {
        Path made = dir.resolve("etc-fbs").resolve("cluster");
        ClusterSettings settings = clusterKeys(made);

        assertThat(Files.getPosixFilePermissions(made)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(made)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                .containsExactly("cluster-key.p12", "cluster-secret", "cluster-trust.p12", "cluster.yaml");
        }
        for (String name : List.of("cluster-key.p12", "cluster-secret", "cluster-trust.p12", "cluster.yaml")) {
            assertThat(Files.getPosixFilePermissions(made.resolve(name))).as(name)
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(settings.secretFile()).isEqualTo(made.resolve("cluster-secret").toString());
        assertThat(Files.size(made.resolve("cluster-secret"))).isEqualTo(32);
        LinkSigner.fromFile(Path.of(settings.secretFile()), java.time.Clock.systemUTC());
        KeyStore key = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(Path.of(settings.tls().keyStore()))) {
            key.load(in, settings.tls().keyStorePassword().toCharArray());
        }
        assertThat(key.isKeyEntry("fbs")).isTrue();

        String secretBefore = Files.readString(made.resolve("cluster-secret"), StandardCharsets.ISO_8859_1);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int again = Main.commandLine(CommandLine.defaultFactory()).setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err)).execute("cluster", "keys", made.toString());
        assertThat(again).isEqualTo(1);
        assertThat(err.toString()).contains("is already there; nothing was written");
        assertThat(Files.readString(made.resolve("cluster-secret"), StandardCharsets.ISO_8859_1))
            .isEqualTo(secretBefore);
    }

    @Test
    void aNodeOtherHostsReachRefusesToStartWithoutTls() throws Exception {
        for (String host : List.of("10.255.255.1", "0.0.0.0", "")) {
            ClusterSettings open = new ClusterSettings("fbs-x", List.of("10.255.255.2:5701"), host, 0, null);
            assertThatThrownBy(() -> await(ClusterNode.join(open, NodeMetrics.newRegistry()), JOIN_PATIENCE))
                .as(host).rootCause().hasMessageContaining("cluster.host is ")
                .hasMessageContaining("not a loopback address, but cluster.tls is off")
                .hasMessageContaining("fbs cluster keys DIR");
        }
        ClusterTls tls = new ClusterTls(true, "/k.p12", "k", "/t.p12", "t");
        ClusterNode.requireTlsOffLoopback(new ClusterSettings("fbs-x", List.of(), "10.255.255.1", 0, null, tls));
        ClusterNode.requireTlsOffLoopback(new ClusterSettings("fbs-x", List.of(), "127.0.0.1", 0, null));
        ClusterNode.requireTlsOffLoopback(new ClusterSettings("fbs-x", List.of(), "::1", 0, null));
    }

    /** Runs {@code fbs cluster keys DIR} and reads the settings it wrote, as a node's config would. */
    private static ClusterSettings clusterKeys(Path where) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(CommandLine.defaultFactory()).setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err)).execute("cluster", "keys", where.toString());
        assertThat(code).as(err.toString()).isZero();
        String yaml = Files.readString(where.resolve("cluster.yaml"));
        String password = yaml.replaceAll("(?s).*key-store-password: \"([^\"]+)\".*", "$1");
        assertThat(out.toString()).as("passwords stay in the file").doesNotContain(password)
            .contains("wrote " + where.resolve("cluster-key.p12"));
        Vertx reader = Vertx.vertx();
        try {
            return await(FbsConfig.load(reader, where.resolve("cluster.yaml"))).cluster();
        } finally {
            await(reader.close());
        }
    }

    private static boolean isNoHandlers(Throwable err) {
        return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    /** Retries while the second node's subscriptions spread; a handshake failure would keep failing. */
    private static JsonObject awaitAnswer(Vertx from) throws Exception {
        return eventually("an answer over TLS", () -> await(from.eventBus().<JsonObject>request("fbs.test.tls",
                new JsonObject().put("ping", "hello"), new DeliveryOptions().setSendTimeout(10_000))).body(),
            answer -> true);
    }

    private Vertx join(ClusterSettings settings) throws Exception {
        Vertx vertx = await(ClusterNode.join(settings, NodeMetrics.newRegistry()), JOIN_PATIENCE);
        nodes.add(vertx);
        return vertx;
    }

    /** A self-signed key (PKCS#12) and a trust store holding only its certificate, made by keytool. */
    private ClusterTls keys(String name) throws Exception {
        Path keyStore = dir.resolve(name + "-key.p12");
        Path cert = dir.resolve(name + ".crt");
        Path trustStore = dir.resolve(name + "-trust.p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
            "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "pw-" + name);
        keytool("-exportcert", "-alias", name, "-keystore", keyStore.toString(), "-storepass", "pw-" + name,
            "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype", "PKCS12",
            "-keystore", trustStore.toString(), "-storepass", "tr-" + name);
        return new ClusterTls(true, keyStore.toString(), "pw-" + name, trustStore.toString(), "tr-" + name);
    }

    /** The key's SHA-256 fingerprint as the JDK's keytool prints it ({@code keytool -list -v}). */
    private static String keytoolFingerprint(ClusterTls tls) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-list",
            "-v", "-keystore", tls.keyStore(), "-storepass:env", "FBS_TEST_PASSWORD");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FBS_TEST_PASSWORD", tls.keyStorePassword());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        return output.lines().map(String::trim).filter(l -> l.startsWith("SHA256: ")).findFirst()
            .orElseThrow(() -> new AssertionError(output)).substring("SHA256: ".length());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }
}
