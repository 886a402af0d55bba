package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input on every endpoint that takes a body: oversized bodies 413, malformed JSON and INI 400 naming the field,
 * too many queued builds 429 naming the limit. Always JSON, never a 500. A real master, no worker.
 */
class ApiBadInputTest {

    static final String BOOT = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n";

    @TempDir
    Path data;
    MasterTestBed master;

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data, new JsonObject().put("max-queued-per-user", 3));
    }

    @AfterEach
    void stop() throws Exception {
        master.close();
    }

    @Test
    void everyBodyTakingEndpointAnswers413WithJson() throws Exception {
        long id = created(master.post("text/plain", BOOT));
        String twoMiB = "#".repeat(2 * 1024 * 1024);
        String fiveMiB = "{\"config\": \"" + "#".repeat(5 * 1024 * 1024) + "\"}";
        for (String path : List.of("/api/v1/builds", "/api/v1/builds/" + id + "/cancel",
            "/api/v1/workers/w1/drain", "/api/v1/workers/w1/undrain")) {
            HttpResponse<String> answer = master.post(path, "application/json", twoMiB);
            assertError(answer, 413, "the request body is larger than 1048576 bytes");
        }
        assertError(master.post("/rest", "application/json", fiveMiB), 413,
            "the request body is larger than 4194304 bytes");
        // Nothing happened: the build still waits.
        assertThat(master.build(id).getString("state")).isEqualTo("QUEUED");
    }

    @Test
    void malformedJsonAndIniAre400NamingTheField() throws Exception {
        assertErrors(master.post("application/json", "{\"type\": \"boot\", "), "spec: not valid JSON");
        assertErrors(master.post("application/json", "[1, 2]"), "spec: expected a JSON object");
        assertErrors(master.post("application/json", "{\"type\": \"boot\", \"arch\": 7, \"release\": \"41\"}"),
            "arch");
        assertErrors(master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n[boot\n"),
            "line 5");
        assertErrors(master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nno equals sign\n"),
            "line 5");
        assertErrors(master.post("text/plain", "[DEFAULT]\ntype=boot\narch=x86\nrelease=41\n"), "[DEFAULT] arch");
        assertErrors(master.post("text/plain", ""), "spec: the request body is empty");
        assertErrors(master.post("/rest", "application/json", "{\"config\": 12}"), "config: expected a JSON string");
        assertErrors(master.post("/rest", "application/json", "{\"config\": \"" + BOOT.replace("\n", "\\n")
            + "\", \"ksfname\": \"../../etc/passwd\"}"), "ksfname: expected a file name or an http or https URL");
        assertThat(master.post("/rest", "application/json", "{config").statusCode()).isEqualTo(400);
        assertErrors(master.post("/api/v1/workers/w1/drain", "application/json", "{\"exit\": 1}"),
            "exit: expected true or false");
        // Well formed, but what the image tool would refuse: refused at submit, on both endpoints.
        String mirrorOnly = BOOT + "[boot]\n41_mirror=https://example.org/m\n";
        assertErrors(master.post("text/plain", mirrorOnly), "[boot] 41_url: required: lorax needs a base URL");
        assertErrors(master.post("/rest", "application/json", new JsonObject().put("config", mirrorOnly).encode()),
            "[boot] 41_url: required: lorax needs a base URL");
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();
    }

    @Test
    void aKickstartThatIncludesAFileIs400NamingTheKeyAndTheLineAndNothingIsStored() throws Exception {
        String flat = "url --url=https://example.org/os/\n%packages\n@core\n%end\n";
        for (String attack : List.of("%include /etc/shadow # note", "\t\"%include\" /etc/shadow",
            "%ksappend http://169.254.169.254/latest/meta-data/")) {
            for (String type : List.of("live", "dvd")) {
                JsonObject spec = new JsonObject().put("type", type).put("arch", "x86_64").put("release", "41")
                    .put(type, new JsonObject().put("config", "my.ks").put("kickstart", flat + attack + "\n"));

                HttpResponse<String> refused = master.post("application/json", spec.encode());

                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
                assertThat(new JsonObject(refused.body()).getJsonArray("errors").getList()).as(attack).containsExactly(
                    "[" + type + "] config: the kickstart's line 5 (" + attack.replace("\t", "\\t")
                        + ") includes another file: a build brings exactly one kickstart, so %include and %ksappend"
                        + " are refused; flatten it first (ksflatten -c KICKSTART -o FLAT.ks) and send the flat file");
            }
            String ini = "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n[live]\nconfig=my.ks\n";
            assertErrors(master.post("/rest", "application/json", new JsonObject().put("config", ini)
                .put("ksfname", "my.ks").put("ks", flat + attack + "\n").encode()), "[live] config: the kickstart's line 5");
        }
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();
    }

    @Test
    void aUserPastTheQueuedLimitGets429NamingItAndNothingIsStored() throws Exception {
        for (int i = 0; i < 3; i++) {
            created(master.post("text/plain", BOOT));
        }

        HttpResponse<String> refused = master.post("text/plain", BOOT);

        assertError(refused, 429, "local already has 3 builds waiting in the queue, the most "
            + "master.max-queued-per-user allows (3); submit again once one has started");
        assertThat(master.post("/rest", "application/json", new JsonObject().put("config", BOOT).encode())
            .statusCode()).isEqualTo(429);
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).hasSize(3);

        // A canceled build no longer counts.
        long first = new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds").getJsonObject(2)
            .getLong("id");
        assertThat(master.post("/api/v1/builds/" + first + "/cancel", null, "").statusCode()).isEqualTo(200);
        created(master.post("text/plain", BOOT));
    }

    static long created(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return new JsonObject(answer.body()).getLong("id");
    }

    static void assertError(HttpResponse<String> answer, int status, String error) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo(error);
    }

    /** 400, JSON, and one of the errors mentions {@code field}. */
    static void assertErrors(HttpResponse<String> answer, String field) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        JsonArray errors = new JsonObject(answer.body()).getJsonArray("errors");
        assertThat(errors).as(answer.body()).isNotNull();
        assertThat(errors.stream().map(String::valueOf)).as(answer.body()).anyMatch(e -> e.contains(field));
    }
}
