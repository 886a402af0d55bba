package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fbs.spec.SpecParserTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /rest, the 2012 clients' endpoint, and kickstart URLs in POST /api/v1/builds, on a real master. */
class RestCompatTest {

    static final String KS = "# Fedora live mini \u00e9\t\"quoted\"\nurl --url=https://example.org/os/\n%packages\n@core\n%end\n";

    @TempDir
    Path data;
    MasterTestBed master;
    KickstartServer web;

    @BeforeEach
    void start() throws Exception {
        // The kickstart server is on loopback, which a master refuses unless its config lists it.
        master = new MasterTestBed(data, new io.vertx.core.json.JsonObject().put("kickstart",
            new io.vertx.core.json.JsonObject().put("allowed-hosts", "127.0.0.1")));
        web = new KickstartServer(request -> {
            if (request.path().equals("/dvd.ks")) {
                request.response().end(KS);
            } else if (request.path().equals("/include.ks")) {
                request.response().end(KS + "  %include /etc/shadow # note\n");
            } else {
                request.response().setStatusCode(404).end();
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        web.close();
        master.close();
    }

    /**
     * What build_rest.py sent: it json.dumps()-ed the INI and the kickstart into strings, put them in a dict with
     * the kickstart's base name, and json.dumps()-ed the dict. Python 2's json.dumps escapes every non-ASCII
     * character and separates with ", " and ": ".
     */
    static String payload2012(String config, String ksfname, String ks) {
        return "{\"config\": " + py(py(config)) + ", \"ksfname\": " + (ksfname == null ? "null" : py(ksfname))
            + ", \"ks\": " + (ks == null ? "null" : py(py(ks))) + "}";
    }

    /** Python's json.dumps of a string (ensure_ascii=True). */
    static String py(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    @Test
    void aPayloadBuiltAsThe2012ClientBuiltItIsQueued() throws Exception {
        HttpResponse<String> created = master.post("/rest", "application/json",
            payload2012(SpecParserTest.LIVE_2012, "fedora-live-mini.ks", KS));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonObject build = new JsonObject(created.body());
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/builds/" + build.getLong("id"));
        JsonObject live = master.build(build.getLong("id")).getJsonObject("spec").getJsonObject("live");
        assertThat(live.getString("config")).isEqualTo("fedora-live-mini.ks");
        assertThat(live.getString("kickstart")).isEqualTo(KS);
        assertThat(build.getJsonObject("spec").getString("staging")).isEqualTo("ftp://10.0.0.27/pub");
    }

    @Test
    void aKickstartUrlInKsfnameIsFetchedAndStoredWithTheBuild() throws Exception {
        HttpResponse<String> created = master.post("/rest", "application/json",
            payload2012(SpecParserTest.LIVE_2012, web.url("/dvd.ks"), null));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonObject live = new JsonObject(created.body()).getJsonObject("spec").getJsonObject("live");
        assertThat(live.getString("config")).isEqualTo(web.url("/dvd.ks"));
        assertThat(live.getString("kickstart")).isEqualTo(KS);
        assertThat(web.asked).containsExactly("/dvd.ks");
    }

    @Test
    void aFetchedKickstartThatIncludesAFileIs400NamingTheKeyAndTheLine() throws Exception {
        JsonObject spec = new JsonObject().put("type", "live").put("arch", "x86_64").put("release", "41")
            .put("live", new JsonObject().put("config", web.url("/include.ks")));
        for (HttpResponse<String> refused : List.of(master.post("application/json", spec.encode()),
            master.post("/rest", "application/json", payload2012(SpecParserTest.LIVE_2012, web.url("/include.ks"), null)))) {

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            JsonArray errors = new JsonObject(refused.body()).getJsonArray("errors");
            assertThat(errors).hasSize(1);
            assertThat(errors.getString(0)).startsWith("[live] config: the kickstart's line 6 (  %include /etc/shadow # note)"
                    + " includes another file: a build brings exactly one kickstart");
        }
        assertThat(web.asked).containsExactly("/include.ks", "/include.ks");
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();
    }

    @Test
    void aKsfnameThatIsAPathIsRefusedAndNothingIsWrittenOrStored() throws Exception {
        List<Path> before = files(data);
        for (String ksfname : List.of("../../etc/cron.d/x", "/etc/cron.d/x", "..", "sub/x.ks", "..\\x.ks",
            "file:///etc/cron.d/x")) {
            HttpResponse<String> refused = master.post("/rest", "application/json",
                payload2012(SpecParserTest.LIVE_2012, ksfname, "* * * * * root touch /tmp/owned\n"));

            assertThat(refused.statusCode()).as(ksfname).isEqualTo(400);
            assertThat(new JsonObject(refused.body()).getJsonArray("errors").getList())
                .containsExactly("ksfname: expected a file name or an http or https URL, never a path");
        }
        assertThat(Path.of("../../etc/cron.d/x")).doesNotExist();
        assertThat(files(data)).isEqualTo(before);
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();
    }

    @Test
    void malformedPayloadsGetA400NamingTheMember() throws Exception {
        assertErrors(master.post("/rest", "application/json", "[1]"), "expected a JSON object with config, "
            + "ksfname and ks", List.of());
        assertErrors(master.post("/rest", "application/json", "{\"config\": "), "expected a JSON object with config, "
            + "ksfname and ks", List.of());
        assertErrors(master.post("/rest", "application/json", "{\"ks\": null}"), "the request has errors",
            List.of("config: required: the build spec's INI text"));
        assertErrors(master.post("/rest", "application/json", "{\"config\": 1, \"ksfname\": [], \"ks\": {}}"),
            "the request has errors", List.of("config: expected a JSON string", "ksfname: expected a JSON string",
                "ks: expected a JSON string"));
        assertErrors(master.post("/rest", "application/json", payload2012(SpecParserTest.LIVE_2012.replace("i686", "x86"), null,
            null)), "the build spec has errors", List.of("[DEFAULT] arch: unknown arch 'x86' (expected one of "
                + "x86_64, aarch64, i686, ppc64le, s390x, armhfp)"));
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).isEmpty();
    }

    @Test
    void aKickstartUrlInTheApiSpecIsFetchedOnceAndAFailedFetchStoresNothing() throws Exception {
        String dvd = "[DEFAULT]\ntype=dvd\narch=x86_64\nrelease=41\n[dvd]\nflavor=Server\nconfig=";

        HttpResponse<String> created = master.post("text/plain", dvd + web.url("/dvd.ks") + "\n");
        HttpResponse<String> missing = master.post("text/plain", dvd + web.url("/gone.ks") + "\n");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(new JsonObject(created.body()).getJsonObject("spec").getJsonObject("dvd").getString("kickstart"))
            .isEqualTo(KS);
        assertErrors(missing, "the build spec has errors",
            List.of("[dvd] config: could not fetch " + web.url("/gone.ks") + ": HTTP 404"));
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).getJsonArray("builds")).hasSize(1);
    }

    private static void assertErrors(HttpResponse<String> response, String error, List<String> errors) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getString("error")).isEqualTo(error);
        assertThat(body.containsKey("errors") ? body.getJsonArray("errors").getList() : List.of())
            .isEqualTo(errors);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.sorted().toList();
        }
    }
}
