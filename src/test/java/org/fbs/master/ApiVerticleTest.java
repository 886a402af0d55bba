package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API of a real master with no worker in its cluster. */
class ApiVerticleTest {

    static final String INI = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file:///srv/fbs\n";

    @TempDir
    Path data;
    MasterTestBed master;

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data);
    }

    @AfterEach
    void stop() throws Exception {
        master.close();
    }

    @Test
    void anIniSpecIsStoredAndWaitsWithTheReasonWhenNoWorkerServesIt() throws Exception {
        HttpResponse<String> created = master.post("text/plain", INI);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonObject build = new JsonObject(created.body());
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/builds/" + build.getLong("id"));
        assertThat(build.getString("state")).isEqualTo("QUEUED");
        assertThat(build.getJsonObject("spec").getString("staging")).isEqualTo("file:///srv/fbs");
        assertThat(build.fieldNames()).contains("id", "state", "stage", "spec", "worker", "logUrl", "artifacts",
            "history", "reason");

        JsonObject waiting = master.awaitBuild(build.getLong("id"), b -> b.getString("reason") != null);
        assertThat(waiting.getString("reason")).isEqualTo("no worker online for x86_64/41");
        assertThat(waiting.getString("state")).isEqualTo("QUEUED");
    }

    @Test
    void aBuildReadOverAndOverShowsEachChangeAtOnce() throws Exception {
        long id = new JsonObject(master.post("text/plain", INI).body()).getLong("id");
        JsonObject waiting = master.awaitBuild(id, b -> b.getString("reason") != null);
        // Read again: answered from the kept view, with its place in line and durations worked out per answer.
        JsonObject again = master.build(id);
        assertThat(again.getString("state")).isEqualTo("QUEUED");
        assertThat(again.getJsonObject("queue").getInteger("position")).isEqualTo(1);
        assertThat(again.getJsonObject("durations").getBoolean("ended")).isFalse();
        assertThat(again.getString("reason")).isEqualTo(waiting.getString("reason"));

        HttpResponse<String> canceled = master.post("/api/v1/builds/" + id + "/cancel", "text/plain", "");
        assertThat(canceled.statusCode()).isEqualTo(200);
        // The very next read, no waiting: the kept view was dropped when the cancel was stored.
        JsonObject after = master.build(id);
        assertThat(after.getString("state")).isEqualTo("CANCELED");
        assertThat(after.containsKey("queue")).isFalse();
        assertThat(after.getJsonObject("durations").getBoolean("ended")).isTrue();
        assertThat(master.build(id)).isEqualTo(after);
    }

    @Test
    void jsonAndUnlabelledBodiesAreAcceptedToo() throws Exception {
        JsonObject json = new JsonObject().put("type", "boot").put("arch", "aarch64").put("release", "rawhide");

        assertThat(master.post("application/json; charset=utf-8", json.encode()).statusCode()).isEqualTo(201);
        // What curl --data-binary sends without -H: the body says which form it is.
        assertThat(master.post("application/x-www-form-urlencoded", INI).statusCode()).isEqualTo(201);
        assertThat(master.post("application/x-www-form-urlencoded", json.encode()).statusCode()).isEqualTo(201);
        assertThat(master.post(null, INI).statusCode()).isEqualTo(201);
    }

    @Test
    void badInputGetsAClearErrorAndStoresNothing() throws Exception {
        assertError(master.post("text/plain", INI.replace("x86_64", "x86")), 400, "[DEFAULT] arch: unknown arch 'x86'");
        assertError(master.post("application/json", "{\"type\": "), 400, "spec: not valid JSON");
        assertError(master.post("application/json", "[1, 2]"), 400, "spec: expected a JSON object");
        assertError(master.post("text/plain", "  "), 400, "spec: the request body is empty");
        assertError(master.post("application/xml", "<spec/>"), 415, "Content-Type: text/plain");
        assertError(master.post("text/plain", "#".repeat(2 * 1024 * 1024)), 413, "larger than");

        HttpResponse<String> several = master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86\nrelease=4x\n");
        assertThat(new JsonObject(several.body()).getJsonArray("errors")).hasSize(2);

        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();
    }

    @Test
    void readsAnswer404ForUnknownOrMalformedIdsAnd400ForBadFilters() throws Exception {
        assertError(master.get("/api/v1/builds/42"), 404, "no such build");
        assertError(master.get("/api/v1/builds/abc"), 404, "no such build");
        assertError(master.get("/api/v1/builds/-1"), 404, "no such build");
        assertError(master.get("/api/v1/builds?state=DONE"), 400, "state: expected one of");
        assertError(master.get("/api/v1/builds?limit=0"), 400, "limit: expected a number");
        assertError(master.get("/api/v1/builds?limit=x"), 400, "limit: expected a number");
    }

    @Test
    void theListIsNewestFirstAndFiltersByState() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(master.post("text/plain", INI).statusCode()).isEqualTo(201);
        }

        JsonObject all = new JsonObject(master.get("/api/v1/builds?limit=2").body());
        assertThat(all.getJsonArray("builds").stream().map(b -> ((JsonObject) b).getLong("id")))
            .containsExactly(3L, 2L);
        assertThat(new JsonObject(master.get("/api/v1/builds?state=queued").body()).getJsonArray("builds"))
            .hasSize(3);
        assertThat(new JsonObject(master.get("/api/v1/builds?state=SUCCEEDED").body()).getJsonArray("builds"))
            .isEmpty();
    }

    @Test
    void aStoredBuildOutlivesTheMaster() throws Exception {
        long id = new JsonObject(master.post("text/plain", INI).body()).getLong("id");
        master.close();
        // A clean close checkpoints the write-ahead log into the database and removes it.
        assertThat(data.resolve("fbs.db-wal")).doesNotExist();

        master = new MasterTestBed(data);

        JsonObject again = master.build(id);
        assertThat(again.getString("state")).isEqualTo("QUEUED");
        assertThat(again.getJsonObject("spec").getString("arch")).isEqualTo("x86_64");
    }

    static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).contains(message).doesNotContain("Exception");
    }
}
