package org.fbs.ops;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fbs.config.MasterSettings;
import org.fbs.master.MasterRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow and idle clients cannot hold an HTTP server's connections; a long quiet answer is not cut. */
class ConnectionGuardTest {

    static final long HEAD = 600;
    static final long BODY = 1_200;

    Vertx vertx;
    HttpServer server;
    ConnectionGuard guard;
    int port;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    void serve(int maxConnections) throws Exception {
        serve(maxConnections, HEAD);
    }

    void serve(int maxConnections, long head) throws Exception {
        guard = new ConnectionGuard(vertx, head, BODY, maxConnections);
        server = guard.create(request -> {
            if (request.path().equals("/quiet")) {
                // Like a followed log of a build that prints nothing for a while.
                request.response().setChunked(true).write("first\n");
                vertx.setTimer(3 * HEAD, t -> request.response().end("last\n"));
            } else {
                request.body().onSuccess(body -> request.response().end("ok " + body.length()));
            }
        });
        port = await(server.listen(0, "127.0.0.1")).actualPort();
    }

    @Test
    void slowlorisConnectionsAreClosed() throws Exception {
        serve(10_000);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket socket = connect();
                // A request head that never ends: a header line now and then, as slowloris sends them.
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int closed = 0;
            for (Socket socket : slow) {
                closed += closedBy(socket, end, "X-a: b\r\n") ? 1 : 0;
            }
            assertThat(closed).as("slow connections the server closed").isEqualTo(300);
            assertThat(guard.openConnections()).isZero();
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void anIdleKeepAliveConnectionAndASlowBodyAreClosed() throws Exception {
        serve(10_000);
        try (Socket idle = connect(); Socket body = connect()) {
            idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            body.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
                + "only ten b").getBytes(StandardCharsets.US_ASCII));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            assertThat(closedBy(idle, end, null)).as("idle after its answer").isTrue();
            assertThat(closedBy(body, end, null)).as("body never finished").isTrue();
        }
    }

    @Test
    void moreConnectionsThanTheCapAreClosedAtOnce() throws Exception {
        serve(20, 30_000);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                sockets.add(connect());
            }
            // Long before the head timeout: only the cap closes them.
            Thread.sleep(300);
            int closed = 0;
            for (Socket socket : sockets) {
                socket.setSoTimeout(5);
                closed += closedBy(socket, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), null) ? 1 : 0;
            }
            assertThat(closed).isEqualTo(10);
            assertThat(guard.openConnections()).isEqualTo(20);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aLongQuietAnswerIsNotCut() throws Exception {
        serve(10_000);
        try (Socket socket = connect()) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /quiet HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("first\n").contains("last\n");
        }
    }

    @Test
    void theMastersServerIsGuarded(@TempDir Path data) throws Exception {
        port = freePort();
        MasterSettings settings = MasterSettingsBuilder.master(data).httpPort(port).build();
        await(MasterRole.deploy(vertx, settings));
        try (Socket socket = connect()) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + "a".repeat(ConnectionGuard.MAX_HEAD_BYTES) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 431");
        }
        try (Socket silent = connect()) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ConnectionGuard.HEAD_MILLIS + 5_000);
            assertThat(closedBy(silent, end, null)).as("a connection that sends nothing").isTrue();
        }
    }

    Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(100);
        return socket;
    }

    /**
     * Whether the server closed the socket before {@code deadline}, the client trickling {@code trickle} (if any)
     * meanwhile. Whatever the server sent first (an answer) is read and skipped.
     */
    static boolean closedBy(Socket socket, long deadline, String trickle) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                if (trickle != null) {
                    try {
                        out.write(trickle.getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException gone) {
                        return true;
                    }
                }
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }
}
