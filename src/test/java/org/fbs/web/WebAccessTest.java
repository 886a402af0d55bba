package org.fbs.web;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.web.WebTestBed.redirectedBuild;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.build.QueuePlace;
import org.fbs.config.FbsConfig;
import org.fbs.master.LocalMasterService;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.DrainRequest;
import org.fbs.protocol.WorkerStatus;
import org.fbs.service.KnownWorker;
import org.fbs.service.MasterService;
import org.fbs.spec.BuildSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each caller may see and do on the pages: owners and admins, drain, API tokens, and the answers when a part
 * of the master the pages talk to is missing.
 */
class WebAccessTest {

    @TempDir
    Path data;
    WebTestBed bed;

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    static MultiMap form(String... pairs) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            form.add(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    long submitAs(String user) throws Exception {
        return redirectedBuild(bed.post("/builds", form("type", "boot", "arch", "x86_64", "release", "41"), user));
    }

    @Test
    void anotherUsersBuildIsA404AndTheDashboardShowsOnlyYourOwn() throws Exception {
        bed = WebTestBed.withUsers(data, null);
        long alices = submitAs("alice");
        long bobs = submitAs("bob");

        for (String path : List.of("/builds/" + alices, "/builds/" + alices + "/log")) {
            HttpResponse<Buffer> answer = bed.get(path, "bob");
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.bodyAsString()).as(path).containsIgnoringCase("no such build").doesNotContain("alice");
        }
        for (String action : List.of("cancel", "again")) {
            assertThat(bed.post("/builds/" + alices + "/" + action, form(), "bob").statusCode()).isEqualTo(404);
        }
        assertThat(bed.state(alices, "alice")).isEqualTo("QUEUED");

        String bobsDashboard = bed.get("/", "bob").bodyAsString();
        assertThat(bobsDashboard).contains("href=\"/builds/" + bobs + "\"", "<h1>My builds</h1>")
            .doesNotContain("href=\"/builds/" + alices + "\"", "<th>Owner</th>", "name=\"owner\"");
        // A non-admin's owner filter is ignored: they see their own builds only.
        assertThat(bed.get("/?owner=alice", "bob").bodyAsString()).doesNotContain("href=\"/builds/" + alices + "\"");

        String admins = bed.get("/", null).bodyAsString();
        assertThat(admins).contains("<h1>All builds</h1>", "<td>alice</td>", "<td>bob</td>");
        assertThat(bed.get("/?owner=alice", null).bodyAsString()).contains("href=\"/builds/" + alices + "\"")
            .doesNotContain("href=\"/builds/" + bobs + "\"");
        // The admin sees, cancels and rebuilds anyone's build.
        assertThat(bed.get("/builds/" + alices, null).bodyAsString()).contains("<dd>alice</dd>");
        assertThat(bed.post("/builds/" + alices + "/cancel", form(), null).statusCode()).isEqualTo(303);
        assertThat(bed.state(alices, "alice")).isEqualTo("CANCELED");
        assertThat(bed.get("/", "alice").bodyAsString()).contains("<span class=\"user\">alice</span>");
    }

    @Test
    void onlyAdminsDrainWorkers() throws Exception {
        bed = WebTestBed.withUsers(data, null);
        HttpResponse<Buffer> refused = bed.post("/cluster/w1/drain", form(), "bob");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.bodyAsString()).contains("Only admins drain and undrain workers.");
        try (PlayedWorker worker = PlayedWorker.start(bed.vertx)) {
            worker.announce();
            WebPagesTest.poll(() -> bed.get("/cluster", "bob").bodyAsString(), p -> p.contains("data-worker=\"w1\""));
            assertThat(bed.get("/cluster", "bob").bodyAsString()).doesNotContain("/drain\"");
            assertThat(bed.get("/cluster", null).bodyAsString()).contains("action=\"/cluster/w1/drain\"");
        }
    }

    @Test
    void drainAndUndrainAskTheWorkerAndSayClearlyWhenItCannot() throws Exception {
        JsonObject w1 = new JsonObject().put("worker", "w1").put("url", "http://w1:5100")
            .put("addresses", new JsonArray().add(Addresses.build("aarch64", "rawhide"))).put("slots", 1)
            .put("running", new JsonArray()).put("draining", false);
        // The master's own service, but with one worker listed: no dispatcher runs here to hear its announcements.
        bed = WebTestBed.pagesOnly(data, (vertx, store) -> new ListedWorkers(new LocalMasterService(vertx, store,
            FbsConfig.from(new JsonObject()).master()), List.of(new KnownWorker(WorkerStatus.fromJson(w1),
            Instant.now()))));
        List<DrainRequest> asked = new CopyOnWriteArrayList<>();
        AtomicBoolean exiting = new AtomicBoolean();
        // Plays worker w1 as the real one answers.
        await(bed.vertx.eventBus().<JsonObject>consumer(Addresses.drain("w1"), m -> {
            DrainRequest request = DrainRequest.fromJson(m.body());
            asked.add(request);
            if (exiting.get()) {
                m.fail(409, "worker w1 is exiting");
            } else {
                m.reply(w1.copy().put("draining", request.drain()));
            }
        }).completion());

        HttpResponse<Buffer> drained = bed.post("/cluster/w1/drain", form(), null);
        assertThat(drained.statusCode()).isEqualTo(303);
        assertThat(drained.getHeader("location")).isEqualTo("/cluster");
        assertThat(bed.post("/cluster/w1/undrain", form(), null).statusCode()).isEqualTo(303);
        HttpResponse<Buffer> unknown = bed.post("/cluster/nobody/drain", form(), null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.bodyAsString()).contains("No worker nobody is known, so it was not drained.",
            "aarch64/rawhide");
        exiting.set(true);
        HttpResponse<Buffer> refused = bed.post("/cluster/w1/drain", form(), null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.bodyAsString()).contains("Worker w1 could not be drained: worker w1 is exiting");
        assertThat(asked).containsExactly(new DrainRequest("w1", true, false), new DrainRequest("w1", false, false),
            new DrainRequest("w1", true, false));
    }

    /** The master's service with a fixed list of workers. */
    private record ListedWorkers(MasterService real, List<KnownWorker> listed) implements MasterService {

        @Override
        public Future<Build> submit(BuildSpec spec, Caller caller) {
            return real.submit(spec, caller);
        }

        @Override
        public Future<Build> cancel(long id, Caller caller) {
            return real.cancel(id, caller);
        }

        @Override
        public Future<Optional<QueuePlace>> placeInLine(Build build) {
            return real.placeInLine(build);
        }

        @Override
        public Future<List<KnownWorker>> workers() {
            return Future.succeededFuture(listed);
        }

        @Override
        public Future<KnownWorker> drain(String worker, boolean drain, boolean exit, Caller caller) {
            return real.drain(worker, drain, exit, caller);
        }
    }

    @Test
    void aFormThatCannotBeStoredSaysSoAndNothingBreaks() throws Exception {
        bed = WebTestBed.pagesOnly(data);
        HttpResponse<Buffer> answer = bed.post("/builds", form("type", "boot", "arch", "x86_64", "release", "41"), null);
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.bodyAsString()).contains("The build could not be stored; nothing was queued.")
            .doesNotContain("Exception");
        HttpResponse<Buffer> huge = bed.postMultipart("/builds", io.vertx.ext.web.multipart.MultipartForm.create()
            .attribute("type", "dvd").textFileUpload("ks_file", "big.ks", Buffer.buffer("#".repeat(3 * 1024 * 1024)),
                "text/plain"), null);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.bodyAsString()).contains("a kickstart may have at most 1 MiB").doesNotContain("Exception");
    }

    @Test
    void apiTokensAreMadeShownOnceListedAndRevokedByTheirOwner() throws Exception {
        Tokens tokens = new Tokens();
        bed = WebTestBed.withUsers(data, tokens);

        HttpResponse<Buffer> made = bed.post("/account/tokens", form("name", "laptop <CLI>"), "alice");
        assertThat(made.statusCode()).isEqualTo(200);
        String secret = tokens.secrets.get("1");
        assertThat(made.bodyAsString()).contains("<code id=\"new-token\">" + secret + "</code>", "laptop &lt;CLI&gt;");
        String later = bed.get("/account", "alice").bodyAsString();
        assertThat(later).contains("laptop &lt;CLI&gt;", "never", "action=\"/account/tokens/1/revoke\"",
            "<dd id=\"email\">alice@example.org</dd>", "<dd id=\"admin\">no</dd>").doesNotContain(secret);
        assertThat(bed.get("/account", "bob").bodyAsString()).doesNotContain("laptop");

        assertThat(bed.post("/account/tokens/1/revoke", form(), "bob").statusCode()).isEqualTo(404);
        HttpResponse<Buffer> revoked = bed.post("/account/tokens/1/revoke", form(), "alice");
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(bed.get("/account", "alice").bodyAsString()).doesNotContain("laptop");

        HttpResponse<Buffer> unnamed = bed.post("/account/tokens", form("name", " "), "alice");
        assertThat(unnamed.statusCode()).isEqualTo(400);
        assertThat(unnamed.bodyAsString()).contains("name: give the token a name");
    }

    /** Tokens kept in memory, per owner, in the shape the account page needs. */
    static final class Tokens implements TokenBook {
        final Map<String, String> owners = new ConcurrentHashMap<>();
        final Map<String, Token> tokens = new ConcurrentHashMap<>();
        final Map<String, String> secrets = new ConcurrentHashMap<>();
        final AtomicInteger ids = new AtomicInteger();

        @Override
        public Future<List<Token>> list(Caller owner) {
            List<Token> mine = new ArrayList<>();
            tokens.forEach((id, t) -> {
                if (owners.get(id).equals(owner.name())) {
                    mine.add(t);
                }
            });
            return Future.succeededFuture(mine);
        }

        @Override
        public Future<Created> create(Caller owner, String name) {
            String id = String.valueOf(ids.incrementAndGet());
            Token token = new Token(id, name, Instant.now(), null);
            String secret = "fbs_" + java.util.UUID.randomUUID();
            owners.put(id, owner.name());
            tokens.put(id, token);
            secrets.put(id, secret);
            return Future.succeededFuture(new Created(token, secret));
        }

        @Override
        public Future<Boolean> revoke(Caller owner, String id) {
            boolean theirs = owner.name().equals(owners.get(id));
            if (theirs) {
                tokens.remove(id);
            }
            return Future.succeededFuture(theirs);
        }
    }
}
