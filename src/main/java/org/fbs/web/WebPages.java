package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BiConsumer;
import org.fbs.auth.Access;
import org.fbs.auth.Caller;
import org.fbs.logs.LogRelay;
import org.fbs.service.MasterService;
import org.fbs.cluster.WorkerLinks;
import org.fbs.store.AsyncBuildStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI: server-rendered pages on the master's router, readable without JavaScript; a small script of our own
 * ({@code /static/fbs.js}) refreshes the live parts and follows build logs where JavaScript is on.
 */
public final class WebPages {

    private static final Logger LOG = LoggerFactory.getLogger(WebPages.class);
    static final String CSS = "/static/fbs.css";
    static final String JS = "/static/fbs.js";
    /** A form with a kickstart of up to 1 MiB and its other fields. */
    static final long MAX_FORM = 2 * 1024 * 1024;
    /** The forms that carry no file: a button and a token name. */
    static final long MAX_SMALL_FORM = 16 * 1024;

    private final Vertx vertx;
    private final AsyncBuildStore store;
    private final MasterService master;
    private final Path uploads;
    private TokenBook tokens;
    private LogRelay logs;
    private WorkerLinks links = WorkerLinks.perProcess();
    private Clock clock = Clock.systemUTC();

    /**
     * @param uploads where kickstart uploads are kept while their request is handled (deleted at its end)
     */
    public WebPages(Vertx vertx, AsyncBuildStore store, MasterService master, Path uploads) {
        this.vertx = vertx;
        this.store = store;
        this.master = master;
        this.uploads = uploads;
    }

    /** Lets the account page list, create and revoke API tokens; without it the page says there are none. */
    public WebPages tokens(TokenBook book) {
        this.tokens = book;
        return this;
    }

    /** Signs the worker links the pages show with the master's links (default: this process's secret). */
    public WebPages links(WorkerLinks signer) {
        this.links = signer;
        return this;
    }

    /** Serves the build page's log with the API's relay, so both share its connections to the workers. */
    public WebPages logs(LogRelay relay) {
        this.logs = relay;
        return this;
    }

    /** The clock durations and trends are reckoned with (tests fix it). */
    public WebPages clock(Clock fixed) {
        this.clock = fixed;
        return this;
    }

    public void mount(Router router) {
        asset(router, CSS, "web/fbs.css", "text/css; charset=utf-8");
        asset(router, JS, "web/fbs.js", "text/javascript; charset=utf-8");
        BodyHandler upload = BodyHandler.create(uploads.toString()).setBodyLimit(MAX_FORM)
            .setDeleteUploadedFilesOnEnd(true);
        BodyHandler small = BodyHandler.create(false).setBodyLimit(MAX_SMALL_FORM);

        DashboardPage dashboard = new DashboardPage(store, clock);
        NewBuildPage newBuild = new NewBuildPage(vertx, master);
        BuildPage build = new BuildPage(store, master, links, clock);
        LogProxy log = new LogProxy(logs != null ? logs : new LogRelay(vertx, store, links));
        ClusterPage cluster = new ClusterPage(master);
        AccountPage account = new AccountPage(tokens);
        TrendsPage trends = new TrendsPage(store, clock);

        page(router.get("/"), dashboard::show);
        page(router.get("/builds/new"), newBuild::show);
        page(router.post("/builds").handler(upload), newBuild::submit);
        page(router.get("/builds/:id"), build::show);
        page(router.post("/builds/:id/cancel").handler(small), build::cancel);
        page(router.post("/builds/:id/again").handler(small), build::again);
        page(router.get("/builds/:id/log"), log::serve);
        page(router.get("/trends"), trends::show);
        page(router.get("/cluster"), cluster::show);
        page(router.post("/cluster/:worker/drain").handler(small), (ctx, caller) -> cluster.drain(ctx, caller, true));
        page(router.post("/cluster/:worker/undrain").handler(small), (ctx, caller) -> cluster.drain(ctx, caller, false));
        page(router.get("/account"), account::show);
        // Open to anybody: it is where a logout lands.
        router.get(Access.LOGGED_OUT_PAGE).handler(LoggedOutPage::show).failureHandler(WebPages::failed);
        page(router.post("/account/tokens").handler(small), account::create);
        page(router.post("/account/tokens/:id/revoke").handler(small), account::revoke);
    }

    /** A page's route: only for a known caller, and failures answered as a page, never as a stack trace. */
    private static void page(Route route, BiConsumer<RoutingContext, Caller> page) {
        route.handler(ctx -> {
            Caller caller = Caller.of(ctx);
            if (caller == null && ctx.request().method() == HttpMethod.GET) {
                // Back to this page once logged in.
                ctx.response().setStatusCode(302).putHeader("location",
                    "/login?return=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8)).end();
            } else if (caller == null) {
                Layout.message(ctx, 401, "Log in", "Log in to see this page.");
            } else {
                page.accept(ctx, caller);
            }
        }).failureHandler(WebPages::failed);
    }

    private static void failed(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            Layout.message(ctx, 413, "Too large", "The form is larger than " + MAX_FORM / 1024 / 1024
                + " MiB; a kickstart may have at most 1 MiB.");
        } else if (status >= 400 && status < 500) {
            Layout.message(ctx, status, "Bad request", "The request could not be read.");
        } else {
            LOG.error("page {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            Layout.message(ctx, 500, "Internal error", "Something went wrong on the master; its log has the details.");
        }
    }

    /** One of our own files from the jar, read once off the event loop. */
    private void asset(Router router, String path, String resource, String type) {
        Future<Buffer> content = vertx.executeBlocking(() -> {
            try (InputStream in = WebPages.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the jar");
                }
                return Buffer.buffer(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Handler<RoutingContext> serve = ctx -> content.onFailure(ctx::fail).onSuccess(bytes -> ctx.response()
            .putHeader("content-type", type).putHeader("x-content-type-options", "nosniff")
            .putHeader("cache-control", "no-cache").end(bytes));
        router.get(path).handler(serve).failureHandler(WebPages::failed);
    }
}
