package org.fbs.master;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.MasterSettingsBuilder;
import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.fbs.auth.Access;
import org.fbs.build.Artifact;
import org.fbs.cluster.WorkerLinks;
import org.fbs.build.ExtraPackage;
import org.fbs.logs.LogRelay;
import org.fbs.ops.OpsRoutes;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.store.AsyncBuildStore;
import org.fbs.store.BuildStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * src/main/resources/openapi.yaml against the master: every /api/v1 route the router has is documented and every
 * documented path is routed; the real answers of a real master validate against the document (vertx-openapi's
 * ResponseValidator), errors included.
 */
class OpenApiContractTest {

    /**
     * Documented, but routed by branches not merged into this one yet (auth: tokens; drain). Whoever merges them
     * empties this set: the test fails while a pending path is already routed, and when one is still missing.
     */
    static final Set<String> PENDING = Set.of();

    static final String ADDRESS = Addresses.build("x86_64", "41");
    static final String BOOT = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file:///srv/fbs\n";

    @TempDir
    Path data;
    MasterTestBed master;
    JsonObject document;
    ResponseValidator validator;

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data.resolve("master"));
        Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(OpenApiRoutes.yaml());
        document = new JsonObject(tree);
        // vertx-openapi 5.0.7 refuses a contract naming application/yaml (RFC 9512), which the YAML form of the
        // document is, and cannot validate a text/plain body (a build's log); its copy goes without those media
        // types, whose answers the tests below check themselves (status and headers still by the validator).
        JsonObject supported = document.copy();
        supported.getJsonObject("paths").getJsonObject("/api/v1/openapi.yaml").getJsonObject("get")
            .getJsonObject("responses").getJsonObject("200").remove("content");
        supported.getJsonObject("paths").getJsonObject("/api/v1/builds/{id}/log").getJsonObject("get")
            .getJsonObject("responses").getJsonObject("200").remove("content");
        validator = ResponseValidator.create(master.vertx, await(OpenAPIContract.from(master.vertx, supported)));
    }

    @AfterEach
    void stop() throws Exception {
        master.close();
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedPathIsRouted() throws Exception {
        Set<String> routed = routesOfTheRealApi();
        Set<String> documented = new TreeSet<>();
        document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames().stream()
            .filter(Set.of("get", "put", "post", "delete", "patch", "head")::contains)
            .forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

        assertThat(routed).as("routed but not documented").isSubsetOf(documented);
        assertThat(PENDING).as("routed now: take them out of PENDING").doesNotContainAnyElementsOf(routed);
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(routed);
        assertThat(missing).as("documented but not routed").isEqualTo(new TreeSet<>(PENDING));
        assertThat(routed).contains("POST /api/v1/builds", "GET /api/v1/builds/{id}", "POST /rest");
    }

    /** METHOD /path of each /api/v1 route (and POST /rest) of the API routes as the master mounts them. */
    private Set<String> routesOfTheRealApi() throws Exception {
        int port = freePort();
        var settings = MasterSettingsBuilder.master(data.resolve("second")).httpPort(port).build();
        Files.createDirectories(settings.dataDir());
        AsyncBuildStore store = new AsyncBuildStore(master.vertx, BuildStore.open(settings.dataDir()));
        Access access = await(Access.create(master.vertx, settings, store));
        WorkerLinks links = WorkerLinks.perProcess();
        Router router = Router.router(master.vertx);
        new ApiRoutes(master.vertx, settings, store, OpsRoutes.forNode(master.vertx, master.registry), access, links,
            new LocalMasterService(master.vertx, store, settings), new LogRelay(master.vertx, store, links))
            .mount(router);
        Set<String> routes = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            String path = route.getPath();
            if (path == null || route.methods() == null || !(path.startsWith("/api/v1/") || path.equals("/rest"))) {
                continue;
            }
            String documented = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            route.methods().forEach(method -> routes.add(method.name() + " " + documented));
        }
        return routes;
    }

    @Test
    void theMasterServesTheDocumentAsYamlAndAsJson() throws Exception {
        HttpResponse<String> yaml = master.get("/api/v1/openapi.yaml");
        HttpResponse<String> json = master.get("/api/v1/openapi.json");

        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("content-type")).hasValue("application/yaml; charset=utf-8");
        assertThat(yaml.body()).isEqualTo(OpenApiRoutes.yaml());
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(json.body())).isEqualTo(document);
        valid(json, "getOpenApiJson");
    }

    @Test
    void theAnswersOfARealMasterMatchTheDocument() throws Exception {
        // Queued, waiting with a reason, listed, read, canceled at once; then a second cancel is a conflict.
        HttpResponse<String> queued = master.post("text/plain", BOOT);
        long id = valid(queued, "submitBuild").getLong("id");
        master.awaitBuild(id, b -> b.getString("reason") != null);
        valid(master.get("/api/v1/builds/" + id), "getBuild");
        valid(master.get("/api/v1/builds?state=queued&type=boot&arch=x86_64&release=41&limit=5"), "listBuilds");
        assertThat(valid(master.post("/api/v1/builds/" + id + "/cancel", null, ""), "cancelBuild").getString("state"))
            .isEqualTo("CANCELED");
        expectError(master.post("/api/v1/builds/" + id + "/cancel", null, ""), 409, "cancelBuild");

        // One that a worker takes, runs and finishes with artifacts and extra packages.
        FakeWorker worker = new FakeWorker();
        worker.listen();
        worker.announce();
        long done = valid(master.post("application/json",
            "{\"type\": \"boot\", \"arch\": \"x86_64\", \"release\": 41, \"nvr\": \"anaconda-41.35-1.fc41\"}"),
            "submitBuild").getLong("id");
        master.awaitBuild(done, b -> b.getString("state").equals("ASSIGNED"));
        worker.event(done, 1, BuildEvent.Kind.STAGE, "image");
        assertThat(valid(master.get("/api/v1/builds/" + done), "getBuild").getString("stage")).isEqualTo("image");
        valid(master.get("/api/v1/workers"), "listWorkers");
        JsonObject trends = valid(master.get("/api/v1/trends"), "getTrends");
        assertThat(trends.getJsonArray("days")).hasSize(30);
        assertThat(trends.getJsonArray("types").getJsonObject(0).getString("type")).isEqualTo("boot");
        expectError(master.get("/api/v1/trends?days=0"), 400, "getTrends");
        worker.event(done, 2, BuildEvent.Kind.SUCCEEDED, null);
        JsonObject finished = valid(master.get("/api/v1/builds/" + done), "getBuild");
        assertThat(finished.getJsonArray("artifacts")).hasSize(1);
        assertThat(finished.getJsonArray("extraPackages")).hasSize(1);
        // Its worker's log port does not answer: the log is the tail the worker sent at the end, as plain text.
        HttpResponse<String> tail = master.get("/api/v1/builds/" + done + "/log");
        assertThat(tail.statusCode()).as(tail.body()).isEqualTo(200);
        assertThat(tail.body()).isEqualTo("done\n");
        assertThat(tail.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(document.getJsonObject("paths").getJsonObject("/api/v1/builds/{id}/log").getJsonObject("get")
            .getJsonObject("responses").getJsonObject("200").getJsonObject("content").fieldNames())
            .containsExactly("text/plain");
        assertThat(validate(200, Map.of("FBS-Log", tail.headers().firstValue("FBS-Log").orElseThrow(),
            "FBS-Attempt", tail.headers().firstValue("FBS-Attempt").orElseThrow()), null, null, "getBuildLog")).isNull();
        assertThat(tail.headers().firstValue("FBS-Attempt")).hasValue("1");
        assertThat(validate(200, Map.of("FBS-Log", "most"), null, null, "getBuildLog"))
            .as("the header's values are checked").isNotNull();
        // The build canceled before any worker took it has no log anywhere.
        expectError(master.get("/api/v1/builds/" + id + "/log"), 404, "getBuildLog");

        // One that is running when canceled: 202 while its worker stops it.
        long running = valid(master.post("text/plain", BOOT), "submitBuild").getLong("id");
        master.awaitBuild(running, b -> b.getString("state").equals("ASSIGNED"));
        HttpResponse<String> stopping = master.post("/api/v1/builds/" + running + "/cancel", null, "");
        assertThat(stopping.statusCode()).isEqualTo(202);
        valid(stopping, "cancelBuild");
        expectError(master.get("/api/v1/builds/" + running + "/log"), 502, "getBuildLog");

        // The 2012 endpoint, the service's own endpoints.
        valid(master.post("/rest", "application/json", new JsonObject().put("config", BOOT).encode()),
            "submitBuild2012");
        valid(master.get("/api/v1/builds"), "listBuilds");
        valid(master.get("/api/v1/info"), "getInfo");
        valid(master.get("/api/v1/mails?limit=10"), "listMails");

        // Personal API tokens: made (shown once), listed, revoked, and a second revoke finds nothing.
        long token = valid(master.post("/api/v1/tokens", "application/json", "{\"name\": \"ci\"}"), "createToken")
            .getLong("id");
        valid(master.get("/api/v1/tokens"), "listTokens");
        HttpResponse<String> revoked = master.delete("/api/v1/tokens/" + token);
        assertThat(revoked.statusCode()).isEqualTo(204);
        expectError(master.delete("/api/v1/tokens/" + token), 404, "revokeToken");
        expectError(master.post("/api/v1/tokens", "application/json", "{\"name\": \"\"}"), 400, "createToken");
    }

    @Test
    void errorAnswersMatchTheDocument() throws Exception {
        expectError(master.post("text/plain", BOOT.replace("x86_64", "x86")), 400, "submitBuild");
        expectError(master.post("application/xml", "<spec/>"), 415, "submitBuild");
        expectError(master.post("text/plain", "#".repeat(2 * 1024 * 1024)), 413, "submitBuild");
        expectError(master.get("/api/v1/builds?state=DONE"), 400, "listBuilds");
        expectError(master.get("/api/v1/builds?limit=0"), 400, "listBuilds");
        expectError(master.get("/api/v1/builds/404"), 404, "getBuild");
        expectError(master.post("/api/v1/builds/404/cancel", null, ""), 404, "cancelBuild");
        expectError(master.get("/api/v1/builds/404/log"), 404, "getBuildLog");
        expectError(master.get("/api/v1/builds/404/log?follow=true"), 404, "getBuildLog");
        expectError(master.get("/api/v1/mails?limit=x"), 400, "listMails");
        expectError(master.post("/rest", "application/json", "{\"config\": 7}"), 400, "submitBuild2012");
    }

    @Test
    void theValidatorRefusesAnswersThatDoNotMatch() {
        // Without this, a validator that accepts anything would make the tests above pass.
        JsonObject wrong = new JsonObject().put("id", 1).put("state", "DONE");
        assertThat(validate(201, wrong.encode(), "submitBuild")).isNotNull();
        assertThat(validate(404, "{\"message\": \"no\"}", "getBuild")).isNotNull();
        assertThat(validate(418, "{\"error\": \"teapot\"}", "getBuild")).isNotNull();
    }

    private JsonObject valid(HttpResponse<String> response, String operation) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        Throwable problem = validate(response.statusCode(), response.body(), operation);
        assertThat(problem).as(operation + " " + response.statusCode() + ": " + response.body()).isNull();
        return response.body().startsWith("{") ? new JsonObject(response.body()) : null;
    }

    private void expectError(HttpResponse<String> response, int status, String operation) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        Throwable problem = validate(status, response.body(), operation);
        assertThat(problem).as(operation + " " + status + ": " + response.body()).isNull();
    }

    /** The validator's objection, or null when the answer matches the document. */
    private Throwable validate(int status, String body, String operation) {
        Map<String, String> headers = new HashMap<>();
        if (status == 201) {
            headers.put("Location", "/api/v1/builds/1");
        }
        return validate(status, headers, body, "application/json", operation);
    }

    private Throwable validate(int status, Map<String, String> headers, String body, String contentType,
                               String operation) {
        try {
            await(validator.validate(body == null ? ValidatableResponse.create(status, headers)
                : ValidatableResponse.create(status, headers, Buffer.buffer(body), contentType), operation));
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    /** The test playing worker w1 in the real protocol: takes every offer, answers cancels, reports events. */
    private final class FakeWorker {

        /** Where its logs would be: a port nothing listens on, as for a worker the master cannot reach. */
        private final String logs;

        FakeWorker() throws Exception {
            logs = "http://127.0.0.1:" + freePort() + "/log/";
        }

        final java.util.Map<Long, String> leases = new java.util.concurrent.ConcurrentHashMap<>();

        void listen() throws Exception {
            MessageConsumer<JsonObject> offers = master.vertx.eventBus().consumer(Addresses.offer("w1"), msg -> {
                JobOffer offer = JobOffer.fromJson(msg.body());
                long id = offer.buildId();
                leases.put(id, offer.lease());
                msg.reply(OfferReply.accept("w1").toJson());
            });
            MessageConsumer<JsonObject> cancels = master.vertx.eventBus().consumer(Addresses.cancel("w1"),
                msg -> msg.reply(CancelRequest.answer(true)));
            await(offers.completion());
            await(cancels.completion());
        }

        void announce() {
            master.vertx.eventBus().publish(Addresses.WORKERS, WorkerStatusBuilder.status("w1")
                .url("http://127.0.0.1:5100").addresses(ADDRESS).slots(2).types("boot", "live").build().toJson());
        }

        void event(long build, long seq, BuildEvent.Kind kind, String stage) throws Exception {
            List<Artifact> artifacts = kind == BuildEvent.Kind.SUCCEEDED
                ? List.of(new Artifact("boot.iso", 2048, "ab".repeat(32), "file:///srv/fbs/boot.iso")) : List.of();
            List<ExtraPackage> extra = kind == BuildEvent.Kind.SUCCEEDED
                ? List.of(new ExtraPackage("anaconda-41.35-1.fc41.x86_64", 4096)) : List.of();
            await(master.vertx.eventBus().request(Addresses.EVENTS, BuildEventBuilder.event(build, kind).seq(seq)
                .stage(stage).artifacts(artifacts).extraPackages(extra).logTail(List.of("done"))
                .lease(leases.get(build))
                .build().toJson()));
        }
    }
}
