package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.fbs.config.MasterSettings;
import org.fbs.notify.Notifier;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the master's parts on a Vert.x instance: the store, the notifier, the dispatcher, then the HTTP API. */
public final class MasterRole {

    private static final Logger LOG = LoggerFactory.getLogger(MasterRole.class);

    private MasterRole() {
    }

    public static Future<String> deploy(Vertx vertx, MasterSettings settings) {
        if (!isLoopback(settings.httpHost())) {
            // Until login and API tokens exist, the write API must not be reachable from other hosts.
            return Future.failedFuture(new IllegalArgumentException("master.http.host is " + settings.httpHost()
                + ", but this master has no login configured: it listens on loopback only (127.0.0.1 or ::1)"));
        }
        return vertx.executeBlocking(() -> BuildStore.open(settings.dataDir()))
            .compose(blocking -> {
                AsyncBuildStore store = new AsyncBuildStore(vertx, blocking);
                // The notifier first, so that it hears of every change the dispatcher makes.
                return vertx.deployVerticle(new Notifier(settings, store))
                    .compose(n -> vertx.deployVerticle(new Dispatcher(store)))
                    .compose(d -> vertx.deployVerticle(new ApiVerticle(settings, store)));
            })
            .onSuccess(id -> LOG.info("master ready: API at {}/api/v1/builds, builds stored in {}",
                settings.publicUrl(), settings.dataDir()));
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
