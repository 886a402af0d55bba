package org.fbs.master;

import static org.fbs.testkit.Waits.eventually;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.fbs.build.Artifact;
import org.fbs.web.PlayedWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/builds/{id}/log} of a real master with login on (mock-oauth2-server as the provider), with a
 * worker played by the test in the real protocol: the owner reads and follows the log through the master with a
 * bearer token (an access token of the provider, or a personal API token), another user gets 404, nobody 401; a
 * follow waits while the build is queued and ends with the build; an ended build whose worker lost the log gives the
 * tail the master kept.
 */
class BuildLogApiTest {

    static final String ISSUER_ID = "fedora";
    static final String CLIENT_ID = "fbs-test";
    static final String INI = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file:///srv/fbs\n";
    static final Duration ANSWER = Duration.ofSeconds(30);

    static MockOAuth2Server provider;
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;
    MasterTestBed master;
    PlayedWorker worker;
    String alice;
    String bob;

    @BeforeAll
    static void startProvider() {
        provider = new MockOAuth2Server();
        provider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.shutdown();
    }

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data, new JsonObject().put("auth", new JsonObject().put("oidc", new JsonObject()
            .put("issuer", provider.issuerUrl(ISSUER_ID).toString())
            .put("client-id", CLIENT_ID)
            .put("client-secret", "s3cret"))));
        alice = accessToken("alice");
        // Bob uses a personal API token, made with his access token.
        HttpResponse<String> made = send("POST", "/api/v1/tokens", "{\"name\": \"cli\"}", accessToken("bob"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        bob = new JsonObject(made.body()).getString("token");
        assertThat(bob).startsWith("fbs_");
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        master.close();
    }

    static String accessToken(String user) {
        return provider.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID, user + "-sub",
            "JWT", List.of(CLIENT_ID), Map.of("preferred_username", user, "email", user + "@example.org"), 3600))
            .serialize();
    }

    HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master.url + path)).timeout(ANSWER)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> log(long id, String token) throws Exception {
        return send("GET", "/api/v1/builds/" + id + "/log", null, token);
    }

    long submit(String token) throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/builds", INI, token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new JsonObject(created.body()).getLong("id");
    }

    JsonObject build(long id, String token) throws Exception {
        return new JsonObject(send("GET", "/api/v1/builds/" + id, null, token).body());
    }

    void awaitBuild(long id, String token, Predicate<JsonObject> check) throws Exception {
        poll(() -> {
            try {
                return build(id, token).encode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, text -> check.test(new JsonObject(text)));
    }

    static void poll(Supplier<String> read, Predicate<String> check) throws InterruptedException {
        eventually("the answer expected", read::get, check);
    }

    static void assertError(HttpResponse<String> answer, int status, String says) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(new JsonObject(answer.body()).getString("error")).contains(says);
    }

    /** A followed log, read as it comes on a thread of the HTTP client. */
    final class Following {
        final StringBuffer text = new StringBuffer();
        final CompletableFuture<HttpResponse<InputStream>> answered;
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        Following(long id, String token) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(master.url + "/api/v1/builds/" + id
                + "/log?follow=true")).header("Authorization", "Bearer " + token).build();
            answered = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            answered.thenAcceptAsync(response -> {
                try (InputStream in = response.body()) {
                    byte[] buffer = new byte[4096];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                    ended.complete(null);
                } catch (IOException e) {
                    ended.completeExceptionally(e);
                }
            });
        }

        HttpResponse<InputStream> response() throws Exception {
            return answered.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theOwnerReadsAndFollowsTheLogThroughTheMasterAnotherUserGets404AndNobody401() throws Exception {
        worker = PlayedWorker.start(master.vertx);
        long id = submit(alice);
        awaitBuild(id, alice, b -> b.getString("state").equals("ASSIGNED"));
        worker.log(id, "== side-repo ==\n");
        await(worker.stage(id, "side-repo"));

        poll(() -> logText(id, alice), "== side-repo ==\n"::equals);
        HttpResponse<String> read = log(id, alice);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(read.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(read.headers().firstValue("FBS-Log")).hasValue("full");

        // Another user's build is a missing one; no token or a bad one is a 401 (login is on).
        assertError(log(id, bob), 404, "no such build");
        assertError(send("GET", "/api/v1/builds/" + id + "/log?follow=true", null, bob), 404, "no such build");
        assertError(log(id, null), 401, "send a token");
        assertError(log(id, "fbs_not-a-token"), 401, "token is not valid");
        assertError(log(id + 1000, alice), 404, "no such build");
        assertError(send("GET", "/api/v1/builds/x1/log", null, alice), 404, "no such build");

        // Followed: what is there, then each line as the worker writes it, until the build's log ends.
        Following followed = new Following(id, alice);
        assertThat(followed.response().statusCode()).isEqualTo(200);
        poll(followed.text::toString, "== side-repo ==\n"::equals);
        worker.log(id, "== image ==\n");
        poll(followed.text::toString, text -> text.endsWith("== image ==\n"));
        assertThat(followed.ended).isNotDone();
        worker.log(id, "build " + id + " failed\n");
        worker.endLog(id);
        followed.ended.get(20, TimeUnit.SECONDS);
        assertThat(followed.text.toString()).isEqualTo("== side-repo ==\n== image ==\nbuild " + id + " failed\n");
    }

    @Test
    void theMasterReadsOnlyAtTheWorkersAnnouncedUrlWithALinkItSigned() throws Exception {
        // A service inside the network that a lying worker wants the master to fetch for it.
        java.util.List<String> reached = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.vertx.core.http.HttpServer inside = await(master.vertx.createHttpServer()
            .requestHandler(req -> {
                reached.add(req.uri());
                req.response().end("internal secret\n");
            }).listen(0, "127.0.0.1"));
        try {
            worker = PlayedWorker.start(master.vertx);
            worker.forgedLogUrl = "http://127.0.0.1:" + inside.actualPort() + "/admin";
            long id = submit(alice);
            awaitBuild(id, alice, b -> b.getString("state").equals("ASSIGNED"));
            worker.log(id, "the real log\n");

            HttpResponse<String> read = log(id, alice);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("the real log\n").doesNotContain("internal secret");
            assertThat(reached).as("requests to the forged logUrl").isEmpty();
            // The master read at the announced URL, with a link signed for this build's log only.
            assertThat(worker.requests).isNotEmpty().allSatisfy(uri -> assertThat(uri)
                .startsWith("/log/" + id + "?expires=").contains("&sig="));
            // The API hands out the announced URL, signed, and the link opens the log on the worker.
            String logUrl = build(id, alice).getString("logUrl");
            assertThat(logUrl).startsWith(worker.url + "/log/" + id + "?expires=");
            HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(logUrl)).timeout(ANSWER).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(direct.statusCode()).isEqualTo(200);
            assertThat(direct.body()).isEqualTo("the real log\n");
            // Without the signature, or with it on another build's path, the worker refuses.
            String bare = logUrl.substring(0, logUrl.indexOf('?'));
            assertThat(http.send(HttpRequest.newBuilder(URI.create(bare)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(403);
            String otherBuild = worker.url + "/log/" + (id + 1) + logUrl.substring(logUrl.indexOf('?'));
            assertThat(http.send(HttpRequest.newBuilder(URI.create(otherBuild)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        } finally {
            await(inside.close());
        }
    }

    @Test
    void aFollowWaitsWhileTheBuildIsQueuedAndStreamsOnceAWorkerHasIt() throws Exception {
        long id = submit(bob);
        awaitBuild(id, bob, b -> b.getString("reason") != null);
        assertError(log(id, bob), 404, "build " + id + " has no log yet: it is QUEUED (no worker online for x86_64/41");

        Following followed = new Following(id, bob);
        worker = PlayedWorker.start(master.vertx);
        worker.announce(); // the master offers the queued build to the worker that announced itself
        awaitBuild(id, bob, b -> b.getString("state").equals("ASSIGNED"));
        worker.log(id, "== side-repo ==\n");
        await(worker.stage(id, "side-repo"));

        assertThat(followed.response().statusCode()).isEqualTo(200);
        poll(followed.text::toString, "== side-repo ==\n"::equals);
        worker.log(id, "done\n");
        worker.endLog(id);
        followed.ended.get(20, TimeUnit.SECONDS);
        assertThat(followed.text.toString()).isEqualTo("== side-repo ==\ndone\n");
    }

    @Test
    void anEndedBuildGivesItsFullLogWhileTheWorkerHasItThenTheKeptTail() throws Exception {
        worker = PlayedWorker.start(master.vertx);
        long id = submit(alice);
        awaitBuild(id, alice, b -> b.getString("state").equals("ASSIGNED"));
        worker.log(id, "line 1\nline 2\nlorax exited with status 1\n");
        await(worker.fail(id, "lorax exited with status 1", List.of(),
            List.of("line 2", "lorax exited with status 1")));
        awaitBuild(id, alice, b -> b.getString("state").equals("FAILED"));
        assertThat(build(id, alice).containsKey("logTail")).as("the tail is not in the build's JSON").isFalse();

        HttpResponse<String> full = log(id, alice);
        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.body()).isEqualTo("line 1\nline 2\nlorax exited with status 1\n");
        assertThat(full.headers().firstValue("FBS-Log")).hasValue("full");
        // A follow of an ended build gives the log and ends.
        Following followed = new Following(id, alice);
        followed.ended.get(20, TimeUnit.SECONDS);
        assertThat(followed.text.toString()).isEqualTo(full.body());

        worker.forget(id);
        poll(() -> logText(id, alice), "line 2\nlorax exited with status 1\n"::equals);
        HttpResponse<String> tail = log(id, alice);
        assertThat(tail.headers().firstValue("FBS-Log")).hasValue("tail");
        // The worker gone altogether: still the tail.
        worker.close();
        worker = null;
        assertThat(logText(id, alice)).isEqualTo("line 2\nlorax exited with status 1\n");
        Following afterwards = new Following(id, alice);
        afterwards.ended.get(20, TimeUnit.SECONDS);
        assertThat(afterwards.text.toString()).isEqualTo("line 2\nlorax exited with status 1\n");
        assertError(log(id, bob), 404, "no such build");
    }

    @Test
    void aLogThatIsNowhereSaysWhereItWentAndAWorkerThatDoesNotAnswerIs502() throws Exception {
        worker = PlayedWorker.start(master.vertx);
        long ended = submit(alice);
        long running = submit(alice);
        awaitBuild(ended, alice, b -> b.getString("state").equals("ASSIGNED"));
        awaitBuild(running, alice, b -> b.getString("state").equals("ASSIGNED"));
        await(worker.fail(ended, "lorax exited with status 1", List.of(new Artifact("build-" + ended
            + ".log", 100, "ab".repeat(32), "file:///srv/fbs/build-" + ended + ".log")), List.of()));
        awaitBuild(ended, alice, b -> b.getString("state").equals("FAILED"));
        worker.forget(ended);

        poll(() -> logText(ended, alice), text -> text.contains("no longer has it"));
        assertError(log(ended, alice), 404, "build " + ended + " ended FAILED; its log is not here: worker w1 no "
            + "longer has it; it was staged as file:///srv/fbs/build-" + ended + ".log");

        worker.close();
        worker = null;
        assertError(log(running, alice), 502, "the log is on worker w1, which does not answer");
        assertError(send("GET", "/api/v1/builds/" + running + "/log?follow=true", null, alice), 502,
            "the log is on worker w1, which does not answer");
    }

    /** Follows build {@code id} {@code count} times, each once what the worker has of the log came through. */
    List<Following> followers(long id, int count, String logSoFar) throws Exception {
        List<Following> all = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(new Following(id, alice));
        }
        for (Following followed : all) {
            assertThat(followed.response().statusCode()).isEqualTo(200);
            poll(followed.text::toString, logSoFar::equals);
        }
        return all;
    }

    @Test
    void oneUsersFollowsAreCappedAndAClosedOneFreesItsPlace() throws Exception {
        worker = PlayedWorker.start(master.vertx);
        long id = submit(alice);
        awaitBuild(id, alice, b -> b.getString("state").equals("ASSIGNED"));
        worker.log(id, "line 1\n");
        await(worker.stage(id, "image"));
        // One on a socket of its own, to close it as a reader that goes away does.
        java.net.URI at = java.net.URI.create(master.url);
        java.net.Socket first = new java.net.Socket(at.getHost(), at.getPort());
        first.setSoTimeout(20_000);
        first.getOutputStream().write(("GET /api/v1/builds/" + id + "/log?follow=true HTTP/1.1\r\nHost: "
            + at.getAuthority() + "\r\nAuthorization: Bearer " + alice + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains("line 1\n")) {
            seen.append((char) first.getInputStream().read());
        }
        List<Following> held = followers(id, org.fbs.logs.LogRelay.FOLLOWS_PER_USER - 1, "line 1\n");

        // The attack: one more stream, and another, until the worker pool is the user's.
        assertError(send("GET", "/api/v1/builds/" + id + "/log?follow=true", null, alice), 429,
            "you follow " + org.fbs.logs.LogRelay.FOLLOWS_PER_USER + " build logs already");
        assertThat(worker.following(id)).isEqualTo(org.fbs.logs.LogRelay.FOLLOWS_PER_USER);
        // Reads that hold nothing still work.
        assertThat(log(id, alice).body()).isEqualTo("line 1\n");

        // A stream the reader closes frees its place.
        first.close();
        Following again = new Following(id, alice);
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); again.response().statusCode() == 429
            && System.nanoTime() < end; again = new Following(id, alice)) {
            Thread.sleep(50);
        }
        assertThat(again.response().statusCode()).isEqualTo(200);

        worker.log(id, "line 2\n");
        worker.endLog(id);
        again.ended.get(20, TimeUnit.SECONDS);
        assertThat(again.text.toString()).isEqualTo("line 1\nline 2\n");
        // Ended streams give their places back.
        for (Following followed : held) {
            followed.ended.get(20, TimeUnit.SECONDS);
        }
        Following after = new Following(id, alice);
        assertThat(after.response().statusCode()).isEqualTo(200);
    }

    @Test
    void aSixthReaderIsAnsweredWhileFiveFollowersHoldStreamsOnOneWorker() throws Exception {
        worker = PlayedWorker.start(master.vertx);
        long id = submit(alice);
        awaitBuild(id, alice, b -> b.getString("state").equals("ASSIGNED"));
        worker.log(id, "line 1\n");
        await(worker.stage(id, "image"));
        List<Following> five = followers(id, 5, "line 1\n");
        poll(() -> String.valueOf(worker.following(id)), "5"::equals);

        // Vert.x's default pool (5 connections per host) made these wait until a build ended.
        HttpResponse<String> read = log(id, alice);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("line 1\n");
        Following sixth = followers(id, 1, "line 1\n").get(0);
        assertThat(worker.following(id)).isEqualTo(6);

        worker.log(id, "line 2\n");
        worker.endLog(id);
        for (Following followed : List.of(five.get(0), five.get(1), five.get(2), five.get(3), five.get(4), sixth)) {
            followed.ended.get(20, TimeUnit.SECONDS);
            assertThat(followed.text.toString()).isEqualTo("line 1\nline 2\n");
        }
    }

    @Test
    void aFollowOfAWorkerThatWentSilentBreaksOffOnceTheBuildIsQueuedAgainAndTheNextAttemptIsRead() throws Exception {
        worker = PlayedWorker.start(master.vertx);
        long id = submit(alice);
        awaitBuild(id, alice, b -> b.getString("state").equals("ASSIGNED"));
        worker.log(id, "attempt 1\n");
        await(worker.stage(id, "image"));
        Following followed = followers(id, 1, "attempt 1\n").get(0);
        assertThat(followed.response().headers().firstValue("FBS-Attempt")).hasValue("1");

        // The worker's stream stays open and silent (no close, as after a power loss); the build goes to attempt 2.
        await(worker.lost(id));
        assertThat(followed.ended).failsWithin(20, TimeUnit.SECONDS);
        assertThat(followed.text.toString()).isEqualTo("attempt 1\n");

        awaitBuild(id, alice, b -> b.getInteger("attempt") == 2 && b.getString("state").equals("ASSIGNED"));
        worker.log(id, "attempt 2\n");
        Following next = followers(id, 1, "attempt 2\n").get(0);
        assertThat(next.response().headers().firstValue("FBS-Attempt")).hasValue("2");
        worker.endLog(id);
        next.ended.get(20, TimeUnit.SECONDS);
        assertThat(next.text.toString()).isEqualTo("attempt 2\n");
    }

    @Test
    void aFollowKeepsTheLastLinesOfABuildThatEndsAndBreaksOffWhenItsWorkerNeverEndsTheStream() throws Exception {
        worker = PlayedWorker.start(master.vertx);
        long normal = submit(alice);
        long silent = submit(alice);
        awaitBuild(normal, alice, b -> b.getString("state").equals("ASSIGNED"));
        awaitBuild(silent, alice, b -> b.getString("state").equals("ASSIGNED"));
        worker.log(normal, "line 1\n");
        worker.log(silent, "line 1\n");
        Following followed = followers(normal, 1, "line 1\n").get(0);
        Following hanging = new Following(silent, alice);
        poll(hanging.text::toString, "line 1\n"::equals);

        // The worker says the build ended before it writes its last lines and ends the stream, as a worker may.
        await(worker.fail(normal, "lorax exited with status 1", List.of(), List.of("line 1")));
        await(worker.fail(silent, "lorax exited with status 1", List.of(), List.of("line 1")));
        awaitBuild(normal, alice, b -> b.getString("state").equals("FAILED"));
        worker.log(normal, "lorax exited with status 1\n");
        worker.endLog(normal);
        followed.ended.get(20, TimeUnit.SECONDS);
        assertThat(followed.text.toString()).isEqualTo("line 1\nlorax exited with status 1\n");

        // A worker that never ends the stream (it died as the build ended): cut after the grace.
        assertThat(hanging.ended).failsWithin(30, TimeUnit.SECONDS);
        assertThat(hanging.text.toString()).isEqualTo("line 1\n");
    }

    String logText(long id, String token) {
        try {
            return log(id, token).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
