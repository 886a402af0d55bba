package org.fbs.master;

import static org.fbs.testkit.Waits.await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A real local HTTP server that serves kickstarts (and misbehaves) the way the tests tell it to. */
final class KickstartServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    /** Every path asked for, in order. */
    final List<String> asked = new CopyOnWriteArrayList<>();

    KickstartServer(Consumer<HttpServerRequest> handler) throws Exception {
        server = await(vertx.createHttpServer().requestHandler(request -> {
            asked.add(request.path());
            handler.accept(request);
        }).listen(0, "127.0.0.1"));
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    @Override
    public void close() throws Exception {
        await(vertx.close());
    }
}
