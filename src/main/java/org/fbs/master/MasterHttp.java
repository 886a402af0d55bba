package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;
import org.fbs.config.MasterSettings;
import org.fbs.ops.ConnectionGuard;

/** The master's HTTP server: one router, whose routes {@link MasterRole} mounts, on the event loop of this verticle. */
final class MasterHttp extends VerticleBase {

    private final MasterSettings settings;
    private final Consumer<Router> routes;

    MasterHttp(MasterSettings settings, Consumer<Router> routes) {
        this.settings = settings;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        routes.accept(router);
        return ConnectionGuard.server(vertx, router).listen(settings.httpPort(), settings.httpHost());
    }
}
