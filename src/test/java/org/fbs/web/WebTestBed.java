package org.fbs.web;

import static org.fbs.testkit.Waits.eventually;
import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import org.fbs.testkit.MasterSettingsBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fbs.auth.Access;
import org.fbs.auth.Caller;
import org.fbs.config.MasterSettings;
import org.fbs.master.Dispatcher;
import org.fbs.master.LocalMasterService;
import org.fbs.master.MasterRole;
import org.fbs.ops.NodeMetrics;
import org.fbs.service.MasterService;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;

/**
 * The pages on a real store and dispatcher. {@link #master} is the whole master as it ships (its one local admin);
 * {@link #withUsers} puts the same pages behind a front that takes the caller from the X-Test-User header (a
 * non-admin user of that name), standing in for the login that lands separately, so that owner checks can be tested.
 */
final class WebTestBed implements AutoCloseable {

    static final String USER = "X-Test-User";
    private static final Pattern CSRF = Pattern.compile("name=\"" + Access.CSRF_FIELD + "\" value=\"([^\"]*)\"");
    private static final Pattern STATE = Pattern.compile("id=\"state\" data-state=\"([A-Z]+)\"");

    final Vertx vertx = Vertx.vertx();
    /** Keeps cookies, as a browser does: the CSRF check pairs a form's token with its cookie. */
    final WebClientSession web = WebClientSession.create(
        WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)));
    final String url;

    private WebTestBed(String url) {
        this.url = url;
    }

    static WebTestBed master(Path data) throws Exception {
        int port = freePort();
        WebTestBed bed = new WebTestBed("http://127.0.0.1:" + port);
        await(MasterRole.deploy(bed.vertx, MasterSettingsBuilder.master(data).httpPort(port).build()));
        return bed;
    }

    static WebTestBed withUsers(Path data, TokenBook tokens) throws Exception {
        int port = freePort();
        WebTestBed bed = new WebTestBed("http://127.0.0.1:" + port);
        Vertx vertx = bed.vertx;
        PrometheusMeterRegistry registry = NodeMetrics.newRegistry();
        AsyncBuildStore store = new AsyncBuildStore(vertx, BuildStore.open(data));
        await(vertx.deployVerticle(new Dispatcher(store, registry)));
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            String user = ctx.request().getHeader(USER);
            (user == null ? Caller.LOCAL : new Caller(user, user + "@example.org", false)).attachTo(ctx);
            ctx.next();
        });
        WebPages pages = new WebPages(vertx, store, new LocalMasterService(vertx, store, settings(data)),
            data.resolve("uploads"));
        if (tokens != null) {
            pages.tokens(tokens);
        }
        pages.mount(router);
        await(vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1"));
        return bed;
    }

    /**
     * The pages alone on a store, with no dispatcher: the master's service finds nobody to store a build, as on a
     * master whose parts are missing or not yet started.
     */
    static WebTestBed pagesOnly(Path data) throws Exception {
        return pagesOnly(data, (vertx, store) -> new LocalMasterService(vertx, store, settings(data)));
    }

    /** The pages alone on a store, with the master's service the test gives (a played one, say). */
    static WebTestBed pagesOnly(Path data, ServiceOn service) throws Exception {
        int port = freePort();
        WebTestBed bed = new WebTestBed("http://127.0.0.1:" + port);
        Vertx vertx = bed.vertx;
        AsyncBuildStore store = new AsyncBuildStore(vertx, BuildStore.open(data));
        MasterService master = service.on(vertx, store);
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            Caller.LOCAL.attachTo(ctx);
            ctx.next();
        });
        new WebPages(vertx, store, master, data.resolve("uploads")).mount(router);
        await(vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1"));
        return bed;
    }

    /** The master's service on the bed's Vert.x instance. */
    @FunctionalInterface
    interface ServiceOn {
        MasterService on(Vertx vertx, AsyncBuildStore store);
    }

    /** The master's settings with every default, as the pages' own intake needs them. */
    private static MasterSettings settings(Path data) {
        return MasterSettingsBuilder.master(data).build();
    }

    HttpResponse<Buffer> get(String path) throws Exception {
        return get(path, null);
    }

    HttpResponse<Buffer> get(String path, String user) throws Exception {
        return await(as(web.getAbs(url + path), user).send());
    }

    /**
     * A form post as a browser sends it, with the CSRF field every form of ours carries: its value comes from a page
     * the browser loaded just before (tokens change after each write).
     */
    HttpResponse<Buffer> post(String path, MultiMap form, String user) throws Exception {
        MultiMap withToken = MultiMap.caseInsensitiveMultiMap().addAll(form).add(Access.CSRF_FIELD, csrf(user));
        return await(as(web.postAbs(url + path), user).sendForm(withToken));
    }

    /** The CSRF token in the forms of a freshly loaded page ("" when no CSRF check runs in front of the pages). */
    String csrf(String user) throws Exception {
        Matcher m = CSRF.matcher(get("/builds/new", user).bodyAsString());
        if (!m.find()) {
            throw new AssertionError("the new build page has no CSRF field");
        }
        return m.group(1);
    }

    HttpResponse<Buffer> post(String path) throws Exception {
        return post(path, MultiMap.caseInsensitiveMultiMap(), null);
    }

    HttpResponse<Buffer> postMultipart(String path, MultipartForm form, String user) throws Exception {
        return await(as(web.postAbs(url + path), user).sendMultipartForm(form.attribute(Access.CSRF_FIELD, csrf(user))));
    }

    private static HttpRequest<Buffer> as(HttpRequest<Buffer> request, String user) {
        return user == null ? request : request.putHeader(USER, user);
    }

    /** The state the build page shows. */
    String state(long id, String user) throws Exception {
        Matcher m = STATE.matcher(get("/builds/" + id, user).bodyAsString());
        return m.find() ? m.group(1) : null;
    }

    /** Polls the build page until its state passes {@code check}. */
    String awaitState(long id, String user, Predicate<String> check) throws Exception {
        return eventually("the state of build " + id + " on its page", () -> state(id, user), check);
    }

    /** The build id a 303 answer to a form post leads to. */
    static long redirectedBuild(HttpResponse<Buffer> response) {
        String location = response.getHeader("location");
        if (response.statusCode() != 303 || location == null || !location.matches("/builds/[0-9]+")) {
            throw new AssertionError("expected a 303 to a build page, got " + response.statusCode() + " "
                + location + "\n" + response.bodyAsString());
        }
        return Long.parseLong(location.substring("/builds/".length()));
    }

    @Override
    public void close() throws Exception {
        await(vertx.close());
    }
}
