package org.fbs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fbs.config.ClusterSettings;
import org.fbs.config.ClusterTls;
import org.fbs.config.FbsConfig;
import org.fbs.ops.NodeMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cluster.tls.*: two nodes with certificates they trust exchange event-bus messages over TLS; a node whose certificate
 * they do not trust joins Hazelcast but gets no message through. Keys made with the JDK's keytool in the test.
 */
class ClusterTlsTest {

    @TempDir
    Path dir;
    final List<Vertx> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Vertx node : nodes) {
            node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void nodesWithTrustedCertificatesTalkAndAnUntrustedOneCannot() throws Exception {
        ClusterTls trusted = keys("cluster");
        ClusterTls stranger = keys("stranger");
        String name = "fbs-tls-" + UUID.randomUUID();
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();

        Vertx a = join(new ClusterSettings(name, members, "127.0.0.1", ports.get(0), null, trusted));
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

    private static boolean isNoHandlers(Throwable err) {
        return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    /** Retries while the second node's subscriptions spread; a handshake failure would keep failing. */
    private static JsonObject awaitAnswer(Vertx from) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return from.eventBus().<JsonObject>request("fbs.test.tls", new JsonObject().put("ping", "hello"),
                        new DeliveryOptions().setSendTimeout(10_000))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).body();
            } catch (ExecutionException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private Vertx join(ClusterSettings settings) throws Exception {
        Vertx vertx = await(ClusterNode.join(settings, NodeMetrics.newRegistry()));
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

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
