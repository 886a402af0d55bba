package org.fbs.web;

import static org.fbs.testkit.Waits.eventually;
import static org.fbs.testkit.Waits.await;
import io.vertx.core.MultiMap;
import java.util.regex.Matcher;
import io.vertx.core.json.JsonArray;
import static org.assertj.core.api.Assertions.assertThat;
import static org.fbs.web.WebTestBed.redirectedBuild;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages of a real master as it ships (no login: its one local admin), driven over HTTP like a browser. */
class WebPagesTest {

    static final String SCRIPT = "<script>alert(1)</script>";

    @TempDir
    Path data;
    WebTestBed master;

    @BeforeEach
    void start() throws Exception {
        master = WebTestBed.master(data);
    }

    @AfterEach
    void stop() throws Exception {
        master.close();
    }

    static MultipartForm bootForm() {
        return MultipartForm.create().attribute("type", "boot").attribute("arch", "x86_64").attribute("release", "41")
            .attribute("boot.product", "Fedora").attribute("boot.updates", "1")
            .attribute("nvr", "anaconda-41.20-1.fc41\nlorax-41.3-1.fc41").attribute("bid", "");
    }

    JsonObject apiBuild(long id) throws Exception {
        HttpResponse<Buffer> answer = master.get("/api/v1/builds/" + id);
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.bodyAsJsonObject();
    }

    long submitApi(JsonObject spec) throws Exception {
        HttpResponse<Buffer> created = await(master.web.postAbs(master.url + "/api/v1/builds").sendJsonObject(spec));
        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
        return created.bodyAsJsonObject().getLong("id");
    }

    @Test
    void everyPageRendersInTheSharedLayoutWithItsSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/builds/new", "/cluster", "/account")) {
            HttpResponse<Buffer> page = master.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.getHeader("content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(page.getHeader("content-security-policy")).contains("script-src 'self'");
            assertThat(page.bodyAsString()).as(path)
                .contains("href=\"/builds/new\">New build</a>", "href=\"/cluster\">Cluster</a>",
                    "href=\"/account\">Account</a>", "<span class=\"user\">local <span class=\"badge\">admin</span>",
                    "local mode: no login, you are the local admin")
                // Nobody to log out in local mode.
                .doesNotContain("action=\"/logout\"", "id=\"logout\"");
        }
        String form = master.get("/builds/new").bodyAsString();
        assertThat(form).contains("enctype=\"multipart/form-data\"", "name=\"X-XSRF-TOKEN\"");
        for (String field : List.of("type", "arch", "release", "staging", "email", "nvr", "bid", "boot.product",
            "boot.version", "boot.updates", "boot.updates-testing", "boot.repo_url", "boot.repo_mirror",
            "boot.updates_url", "boot.updates_mirror", "boot.updates-testing_url", "boot.updates-testing_mirror",
            "boot.proxy", "dvd.name", "dvd.version", "dvd.flavor", "dvd.bugurl", "dvd.nosource", "dvd.sourceisos",
            "dvd.force", "dvd.stage", "live.tool", "live.label", "live.title", "live.product", "live.profile",
            "ks_file", "ks_url")) {
            assertThat(form).as(field).contains("name=\"" + field + "\"");
        }
        assertThat(form).contains("lorax -p", "pungi --flavor", "kiwi-ng --profile");
        assertThat(master.get("/account").bodyAsString())
            .contains("<dd id=\"name\">local</dd>", "<dd id=\"admin\">yes", "action=\"/account/tokens\"");
        assertThat(master.get("/cluster").bodyAsString()).contains("No worker has announced itself lately");
        HttpResponse<Buffer> js = master.get(WebPages.JS);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.getHeader("content-type")).startsWith("text/javascript");
        assertThat(js.bodyAsString()).contains("followLog");
        assertThat(master.get(WebPages.CSS).bodyAsString()).contains(".state-succeeded");
    }

    @Test
    void aLoggedInUserHasALogOutButtonThatPostsWithTheCsrfToken(@TempDir Path users) throws Exception {
        try (WebTestBed bed = WebTestBed.withUsers(users, null)) {
            for (String path : List.of("/", "/builds/new", "/cluster", "/account")) {
                String page = bed.get(path, "alice").bodyAsString();
                Matcher form = Pattern.compile("<form class=\"logout\" method=\"post\" action=\"/logout\">"
                    + "<input type=\"hidden\" name=\"X-XSRF-TOKEN\" value=\"[^\"]*\">"
                    + "<button type=\"submit\" id=\"logout\">Log out</button></form>").matcher(page);
                assertThat(form.find()).as(path + ":\n" + page).isTrue();
                assertThat(page.indexOf("<span class=\"user\">alice</span>")).as(path)
                    .isBetween(0, form.start());
                assertThat(page.indexOf("</header>")).as("in the header").isGreaterThanOrEqualTo(form.end());
                assertThat(page).doesNotContain("local mode");
            }
        }
        // The local admin cannot log out: the page a logout lands on is the dashboard for them.
        HttpResponse<Buffer> loggedOut = master.get("/logged-out");
        assertThat(loggedOut.statusCode()).isEqualTo(302);
        assertThat(loggedOut.getHeader("location")).isEqualTo("/");
    }

    @Test
    void aQueuedBuildSaysWhereItStandsInTheApiAndOnItsPageWithItsTimeSoFar() throws Exception {
        long first = redirectedBuild(master.postMultipart("/builds", bootForm(), null));
        long second = redirectedBuild(master.postMultipart("/builds", bootForm(), null));

        JsonObject queue = apiBuild(second).getJsonObject("queue");
        assertThat(queue.getInteger("position")).isEqualTo(2);
        assertThat(queue.getInteger("ahead")).isEqualTo(1);
        assertThat(queue.getInteger("workers")).isZero();
        assertThat(queue.getInteger("busy")).isZero();
        assertThat(queue.getValue("typicalWaitSeconds")).as("no build of its kind ended yet").isNull();
        assertThat(queue.getString("text")).isEqualTo("2nd in line for x86_64/41; no worker online");
        assertThat(apiBuild(first).getJsonObject("queue").getInteger("position")).isEqualTo(1);
        assertThat(page(second)).contains("<p class=\"place\" id=\"place-in-line\">2nd in line for x86_64/41; no worker"
            + " online</p>");
        JsonObject durations = apiBuild(second).getJsonObject("durations");
        assertThat(durations.getBoolean("ended")).isFalse();
        assertThat(durations.getJsonArray("parts").getJsonObject(0).getString("name")).isEqualTo("queued");

        // Once it has ended it stands nowhere.
        await(master.web.postAbs(master.url + "/api/v1/builds/" + first + "/cancel").send());
        assertThat(apiBuild(first).containsKey("queue")).isFalse();
        assertThat(apiBuild(second).getJsonObject("queue").getString("text")).startsWith("1st in line");
        assertThat(apiBuild(first).getJsonObject("durations").getBoolean("ended")).isTrue();
    }

    @Test
    void aGoodFormRedirectsToTheNewBuildWhichIsStoredAsTheApiWouldStoreIt() throws Exception {
        HttpResponse<Buffer> answer = master.postMultipart("/builds", bootForm(), null);

        long id = redirectedBuild(answer);
        JsonObject build = apiBuild(id);
        assertThat(build.getString("owner")).isEqualTo("local");
        JsonObject spec = build.getJsonObject("spec");
        assertThat(spec.getString("arch")).isEqualTo("x86_64");
        assertThat(spec.getString("staging")).isEqualTo("worker");
        assertThat(spec.getJsonObject("boot").getString("updates")).isEqualTo("1");
        assertThat(spec.getJsonObject("boot").getString("nvr")).isEqualTo("anaconda-41.20-1.fc41;lorax-41.3-1.fc41");
        String page = master.get("/builds/" + id).bodyAsString();
        assertThat(page).contains("data-state=\"QUEUED\"", "<li class=\"step-current\">queued</li>",
            "data-refresh=\"2000\"", "No log yet", "anaconda-41.20-1.fc41;lorax-41.3-1.fc41");
        poll(() -> page(id).contains("no worker online for x86_64/41"));
    }

    @Test
    void anUploadedKickstartGoesWithTheSpecAndShowsAsText() throws Exception {
        String kickstart = "%packages\n@core\n%end\n# " + SCRIPT + "\n";
        MultipartForm form = MultipartForm.create().attribute("type", "live").attribute("arch", "x86_64")
            .attribute("release", "41").attribute("live.tool", "livemedia-creator").attribute("live.title", "My Live")
            .attribute("ks_url", "")
            .textFileUpload("ks_file", "my live.ks", Buffer.buffer(kickstart), "text/plain");

        long id = redirectedBuild(master.postMultipart("/builds", form, null));

        JsonObject live = apiBuild(id).getJsonObject("spec").getJsonObject("live");
        assertThat(live.getString("kickstart")).isEqualTo(kickstart);
        assertThat(live.getString("config")).isEqualTo("my_live.ks");
        assertThat(live.getString("title")).isEqualTo("My Live");
        String page = page(id);
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(SCRIPT);
    }

    @Test
    void aBadFormIsShownAgainWithEachErrorBesideItsFieldAnd400() throws Exception {
        MultipartForm form = MultipartForm.create().attribute("type", "boot").attribute("arch", SCRIPT)
            .attribute("release", "4x").attribute("staging", "/tmp/out").attribute("boot.proxy", "ftp://proxy")
            .attribute("boot.product", "Fedora \"Q\"");

        HttpResponse<Buffer> answer = master.postMultipart("/builds", form, null);

        assertThat(answer.statusCode()).isEqualTo(400);
        String page = answer.bodyAsString();
        assertThat(page).contains("The build spec has", "role=\"alert\"").doesNotContain(SCRIPT, "Exception");
        assertBeside(page, "f-release", "[DEFAULT] release: expected a positive whole number or rawhide");
        // jte escapes < > & in text (quotes too in attributes, as &#34; and &#39;): the tag stays text.
        assertBeside(page, "f-arch", "[DEFAULT] arch: unknown arch '&lt;script&gt;alert(1)&lt;/script&gt;'");
        assertBeside(page, "f-staging", "[DEFAULT] staging: expected file:///absolute/path");
        assertBeside(page, "f-boot-proxy", "[boot] proxy: not an http or https URL");
        assertBeside(page, "f-boot-product", "[boot] product: expected 1 to 64 letters");
        // The user's values come back, as text.
        assertThat(page).contains("value=\"4x\"", "value=\"/tmp/out\"", "value=\"Fedora &#34;Q&#34;\"");

        HttpResponse<Buffer> dvd = master.postMultipart("/builds", MultipartForm.create().attribute("type", "dvd")
            .attribute("arch", "x86_64").attribute("release", "41").attribute("ks_url", "file:///etc/passwd"), null);
        assertThat(dvd.statusCode()).isEqualTo(400);
        assertBeside(dvd.bodyAsString(), "f-ks_url", "[dvd] config: not an http or https URL");

        assertThat(master.get("/api/v1/builds").bodyAsJsonObject().getJsonArray("builds")).isEmpty();
    }

    /** The message sits in the field's own block, after its input. */
    static void assertBeside(String page, String fieldId, String message) {
        Pattern beside = Pattern.compile("id=\"" + Pattern.quote(fieldId)
            + "\"[^<]*>(?:(?!<div class=\"field).)*<p class=\"field-error\">" + Pattern.quote(message), Pattern.DOTALL);
        assertThat(beside.matcher(page).find()).as(fieldId + " shows " + message + " in\n" + page).isTrue();
    }

    @Test
    void aTokenMadeOnTheAccountPageIsTheMastersOwnAndShownOnce() throws Exception {
        HttpResponse<Buffer> made = master.post("/account/tokens", MultiMap.caseInsensitiveMultiMap()
            .add("name", "laptop"), null);
        assertThat(made.statusCode()).isEqualTo(200);
        Matcher secret = Pattern.compile("fbs_[A-Za-z0-9_-]{43}").matcher(made.bodyAsString());
        assertThat(secret.find()).as(made.bodyAsString()).isTrue();

        JsonArray listed = master.get("/api/v1/tokens").bodyAsJsonObject().getJsonArray("tokens");
        assertThat(listed).hasSize(1);
        assertThat(listed.getJsonObject(0).getString("name")).isEqualTo("laptop");
        assertThat(master.get("/account").bodyAsString()).contains("laptop").doesNotContain(secret.group());
    }

    @Test
    void theDashboardFiltersByStateTypeArchAndReleaseNewestFirst() throws Exception {
        long x86 = submitApi(new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41"));
        long arm = submitApi(new JsonObject().put("type", "boot").put("arch", "aarch64").put("release", "rawhide"));
        long live = submitApi(new JsonObject().put("type", "live").put("arch", "x86_64").put("release", "41")
            .put("live", new JsonObject().put("kickstart", "%packages\n%end\n")));
        master.post("/builds/" + x86 + "/cancel");

        assertThat(listed("/")).containsExactly(live, arm, x86);
        assertThat(listed("/?arch=aarch64")).containsExactly(arm);
        assertThat(listed("/?release=rawhide")).containsExactly(arm);
        assertThat(listed("/?type=live")).containsExactly(live);
        assertThat(listed("/?state=QUEUED")).containsExactly(live, arm);
        assertThat(listed("/?state=canceled&type=boot")).containsExactly(x86);
        assertThat(listed("/?state=SUCCEEDED")).isEmpty();
        assertThat(master.get("/?state=SUCCEEDED").bodyAsString()).contains("No builds match");
        String admin = master.get("/").bodyAsString();
        assertThat(admin).contains("<th>Owner</th>", "<td>local</td>", "name=\"owner\"");
        assertThat(master.get("/?state=SUCCEEDED&type=boot").bodyAsString())
            .contains("<option selected>SUCCEEDED</option>", "<option selected>boot</option>");

        HttpResponse<Buffer> bad = master.get("/?state=DONE");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.bodyAsString()).contains("state: expected one of");
    }

    @Test
    void theTrendsPageIsLinkedFromEveryPageAndDrawsTheStoresFigures() throws Exception {
        long id = redirectedBuild(master.postMultipart("/builds", bootForm(), null));

        HttpResponse<Buffer> answer = master.get("/trends");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.getHeader("content-security-policy")).isEqualTo(Layout.CSP);
        String page = answer.bodyAsString();
        assertThat(page).contains("href=\"/trends\">Trends</a>", "<svg id=\"per-day\"",
            "<tr data-type=\"boot\"><td>boot</td><td>1</td><td>no builds</td>", "id=\"times-boot\"")
            .doesNotContain("<script>", "style=");
        assertThat(Pattern.compile("<g class=\"day\"").matcher(page).results().count()).isEqualTo(30);
        // Submitted just now, so in the window's last day, still waiting for a worker.
        assertThat(page).containsPattern("data-total=\"1\"><rect class=\"st-queued\" data-state=\"QUEUED\"[^>]*>"
            + "<title>[0-9-]+: 1 QUEUED</title></rect></g>\\s*<text");
        assertThat(page(id)).contains("id=\"stage-bar\"", "id=\"total-time\"");
        assertThat(master.get("/").bodyAsString()).contains("<th>Duration</th>", "<td class=\"duration\">");
    }

    List<Long> listed(String path) throws Exception {
        HttpResponse<Buffer> page = master.get(path);
        assertThat(page.statusCode()).isEqualTo(200);
        return Pattern.compile("<td><a href=\"/builds/([0-9]+)\">").matcher(page.bodyAsString()).results()
            .map(m -> Long.parseLong(m.group(1))).toList();
    }

    @Test
    void theBuildPageFollowsItsBuildAndTheLogIsStreamedThroughTheMaster() throws Exception {
        try (PlayedWorker worker = PlayedWorker.start(master.vertx)) {
            long id = redirectedBuild(master.postMultipart("/builds", bootForm(), null));
            master.awaitState(id, null, "ASSIGNED"::equals);
            worker.log(id, "== side-repo ==\n");
            await(worker.stage(id, "side-repo"));
            await(worker.stage(id, "image"));
            String running = page(id);
            assertThat(running).contains("data-state=\"RUNNING\"", "<li class=\"step-done\">side-repo</li>",
                "<li class=\"step-current\">image</li>", "<li class=\"step-todo\">staging</li>",
                "data-ready=\"true\"", "href=\"/builds/" + id + "/log\"", "<iframe class=\"log\"", "<dd>w1</dd>",
                "id=\"cancel\"");

            // The log as it is now, then followed: each line arrives while the build goes on.
            poll(() -> text("/builds/" + id + "/log"), "== side-repo ==\n"::equals);
            StringBuffer followed = new StringBuffer();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            HttpClient client = master.vertx.createHttpClient();
            HttpClientResponse stream = await(client.request(HttpMethod.GET, port(), "127.0.0.1",
                "/builds/" + id + "/log?follow=true").compose(r -> r.send())
                // Read from the first byte on: handlers set on the event loop, as the response arrives.
                .onSuccess(r -> r.handler(b -> followed.append(b.toString())).endHandler(v -> ended.complete(null))));
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.getHeader("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(stream.getHeader("x-content-type-options")).isEqualTo("nosniff");
            poll(followed::toString, "== side-repo ==\n"::equals);
            worker.log(id, "== image ==\n" + SCRIPT + "\n");
            poll(followed::toString, f -> f.endsWith(SCRIPT + "\n"));
            assertThat(ended).isNotDone();
            worker.log(id, "build " + id + " succeeded\n");
            worker.endLog(id);
            ended.get(10, TimeUnit.SECONDS);
            assertThat(followed.toString()).isEqualTo("== side-repo ==\n== image ==\n" + SCRIPT + "\nbuild " + id
                + " succeeded\n");

            String sha = "0123456789abcdef".repeat(4);
            await(worker.succeed(id, List.of(
                    new Artifact("boot.iso", 1024 * 1024, sha, worker.url + "/artifacts/" + id + "/boot.iso"),
                    new Artifact("SHA256SUMS", 75, sha, "file:///srv/fbs/" + id + "/SHA256SUMS")),
                List.of(new ExtraPackage("anaconda-41.20-1.fc41.x86_64", 4096))));
            String done = page(id);
            assertThat(done).contains("data-state=\"SUCCEEDED\"", "<li class=\"step-done\">succeeded</li>",
                "<li class=\"step-skipped\">staging</li>",
                // The link the page hands out is signed by the master, for this build and file only.
                "<a href=\"" + worker.url + "/artifacts/" + id + "/boot.iso?expires=",
                "<span title=\"1048576 bytes\">1.0 MiB</span>", sha, "file:///srv/fbs/" + id + "/SHA256SUMS",
                "anaconda-41.20-1.fc41.x86_64", "id=\"history\"")
                .doesNotContain("data-refresh", "id=\"cancel\"");
            assertThat(Pattern.compile("<td><time datetime=").matcher(done).results().count()).isEqualTo(5);
            await(client.close());
        }
    }

    int port() {
        return Integer.parseInt(master.url.substring(master.url.lastIndexOf(':') + 1));
    }

    @Test
    void aReasonWithMarkupRendersAsText() throws Exception {
        try (PlayedWorker worker = PlayedWorker.start(master.vertx)) {
            long id = redirectedBuild(master.postMultipart("/builds", bootForm(), null));
            master.awaitState(id, null, "ASSIGNED"::equals);
            String reason = SCRIPT + "<img src=x onerror=alert(2)>";
            await(worker.fail(id, reason));

            for (String page : List.of(page(id), master.get("/").bodyAsString())) {
                assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;")
                    .doesNotContain(SCRIPT, "<img");
            }
            assertThat(page(id)).contains("<li class=\"step-failed\">failed</li>");
        }
    }

    @Test
    void anUnknownBuildIsA404PageEverywhere() throws Exception {
        for (String path : List.of("/builds/999", "/builds/abc", "/builds/0", "/builds/-1")) {
            HttpResponse<Buffer> page = master.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(404);
            assertThat(page.bodyAsString()).as(path).contains("No such build", "<html");
        }
        assertThat(master.get("/builds/999/log").statusCode()).isEqualTo(404);
        assertThat(master.post("/builds/999/cancel").statusCode()).isEqualTo(404);
        assertThat(master.post("/builds/999/again").statusCode()).isEqualTo(404);
    }

    @Test
    void cancelAndBuildAgainFromTheBuildPage() throws Exception {
        long id = redirectedBuild(master.postMultipart("/builds", bootForm(), null));

        HttpResponse<Buffer> canceled = master.post("/builds/" + id + "/cancel");
        assertThat(canceled.statusCode()).isEqualTo(303);
        assertThat(canceled.getHeader("location")).isEqualTo("/builds/" + id);
        assertThat(master.state(id, null)).isEqualTo("CANCELED");
        // Once more on an ended build: nothing to do, back to its page.
        assertThat(master.post("/builds/" + id + "/cancel").statusCode()).isEqualTo(303);

        long again = redirectedBuild(master.post("/builds/" + id + "/again"));
        assertThat(again).isNotEqualTo(id);
        assertThat(apiBuild(again).getJsonObject("spec")).isEqualTo(apiBuild(id).getJsonObject("spec"));
        assertThat(master.state(again, null)).isEqualTo("QUEUED");
    }

    @Test
    void theClusterPageShowsEachWorkerWithWhatItBuildsAndItsSlots() throws Exception {
        try (PlayedWorker worker = PlayedWorker.start(master.vertx)) {
            worker.announce();
            poll(() -> page("/cluster").contains("data-worker=\"w1\""));
            String page = page("/cluster");
            assertThat(page).contains(worker.url, "x86_64/41", "boot, live", "2 / 0 / 2", "taking builds",
                "action=\"/cluster/w1/drain\"", "<time datetime=", "<th>Isolation</th>",
                "<td class=\"isolation\">none</td>");
        }
    }

    String page(long id) throws Exception {
        return page("/builds/" + id);
    }

    String page(String path) throws Exception {
        HttpResponse<Buffer> page = master.get(path);
        assertThat(page.statusCode()).as(path).isEqualTo(200);
        return page.bodyAsString();
    }

    String text(String path) throws Exception {
        return master.get(path).bodyAsString();
    }

    static void poll(Check check) throws Exception {
        eventually("the check holds", check::holds, held -> held);
    }

    /** Polls {@code read} until its value passes {@code check}; fails with the last value seen. */
    static <T> void poll(Read<T> read, java.util.function.Predicate<T> check) throws Exception {
        eventually("the value expected", read::get, check);
    }

    interface Read<T> {
        T get() throws Exception;
    }

    interface Check {
        boolean holds() throws Exception;
    }
}
