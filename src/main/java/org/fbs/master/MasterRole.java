package org.fbs.master;

import io.vertx.core.Future;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.fbs.auth.Access;
import org.fbs.cluster.WorkerLinks;
import org.fbs.logs.LogRelay;
import org.fbs.service.MasterService;
import org.fbs.web.ApiTokenBook;
import org.fbs.web.WebPages;
import org.fbs.config.MasterSettings;
import org.fbs.ops.NodeMetrics;
import org.fbs.ops.OpsRoutes;
import org.fbs.notify.Notifier;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the master's parts on a Vert.x instance: the store, the notifier, the dispatcher, then its HTTP routes. */
public final class MasterRole {

    private static final Logger LOG = LoggerFactory.getLogger(MasterRole.class);

    private MasterRole() {
    }

    /** Deploys with a registry of its own (tests; Main passes the one its Vert.x reports to). */
    public static Future<String> deploy(Vertx vertx, MasterSettings settings) {
        return deploy(vertx, settings, NodeMetrics.newRegistry());
    }

    /** A master whose worker links are signed with this process's secret: its workers must share the process. */
    public static Future<String> deploy(Vertx vertx, MasterSettings settings, PrometheusMeterRegistry registry) {
        return deploy(vertx, settings, registry, WorkerLinks.perProcess());
    }

    /** @param links signs the worker links the master hands out and reads through ({@code cluster.secret-file}) */
    public static Future<String> deploy(Vertx vertx, MasterSettings settings, PrometheusMeterRegistry registry,
                                        WorkerLinks links) {
        if (!settings.auth().loginEnabled() && !isLoopback(settings.httpHost())) {
            // Without login every request is the local admin's: nobody on another host may send one.
            return Future.failedFuture(new IllegalArgumentException("master.http.host is " + settings.httpHost()
                + ", but this master has no login configured (master.auth.oidc.issuer): it listens on loopback only"
                + " (127.0.0.1 or ::1)"));
        }
        return vertx.executeBlocking(() -> BuildStore.open(settings.dataDir()))
            .compose(blocking -> {
                AsyncBuildStore store = new AsyncBuildStore(vertx, blocking);
                OpsRoutes ops = OpsRoutes.forNode(vertx, registry);
                ops.readiness().register("store", promise -> store.ping().onComplete(ping -> promise.complete(
                    ping.succeeded() ? Status.OK() : Status.KO(new JsonObject().put("reason", "the build store "
                        + "does not answer: " + ping.cause().getMessage())))));
                // Login first: a provider that does not answer stops the start before anything runs. Then the
                // notifier, so that it hears of every change the dispatcher makes.
                Notifier notifier = new Notifier(settings, store, links);
                return Access.create(vertx, settings, store).compose(access ->
                    vertx.deployVerticle(notifier)
                        .compose(n -> vertx.deployVerticle(new Dispatcher(store, registry, settings.workerTimeout(),
                            settings.maxRetries(), settings.limits().maxQueuedPerUser(), notifier::mailAbout)))
                        .compose(d -> vertx.deployVerticle(http(vertx, settings, store, ops, access, links))));
            })
            .onSuccess(id -> LOG.info("master ready: API at {}/api/v1/builds, builds stored in {}",
                settings.publicUrl(), settings.dataDir()));
    }

    /**
     * One router for everything the master serves: the login in front, the REST API, the web pages (they share the
     * log relay and the master's service), and the API's JSON answer for whatever failed outside a page.
     */
    private static MasterHttp http(Vertx vertx, MasterSettings settings, AsyncBuildStore store, OpsRoutes ops,
                                   Access access, WorkerLinks links) {
        MasterService master = new LocalMasterService(vertx, store, settings);
        LogRelay logs = new LogRelay(vertx, store, links);
        ApiRoutes api = new ApiRoutes(vertx, settings, store, ops, access, links, master, logs);
        WebPages pages = new WebPages(vertx, store, master, settings.dataDir().resolve("uploads"))
            .tokens(new ApiTokenBook(access.tokens())).logs(logs).links(links);
        return new MasterHttp(settings, router -> {
            access.install(router);
            api.mount(router);
            pages.mount(router);
            api.mountFailures(router);
        });
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
