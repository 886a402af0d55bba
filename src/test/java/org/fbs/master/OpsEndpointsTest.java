package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's operator endpoints: liveness, readiness, Prometheus metrics and build info, on a real master. */
class OpsEndpointsTest {

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
    void healthAndReadinessAreUpWithTheStoreOpen() throws Exception {
        HttpResponse<String> alive = master.get("/healthz");
        HttpResponse<String> ready = master.get("/readyz");

        assertThat(alive.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(alive.body()).getString("status")).isEqualTo("UP");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonObject checks = byId(new JsonObject(ready.body()));
        assertThat(checks.fieldNames()).containsExactlyInAnyOrder("cluster", "store");
        assertThat(checks.getString("store")).isEqualTo("UP");
    }

    @Test
    void readinessFailsAndNamesTheStoreWhenItsDatabaseIsGone() throws Exception {
        // Deleting the database file under an open connection leaves SQLite answering from the open file, so
        // make the table itself unreadable instead: the store's own query must fail.
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("fbs.db"))) {
            db.createStatement().execute("ALTER TABLE builds RENAME TO builds_gone");
        }

        HttpResponse<String> ready = master.get("/readyz");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(byId(new JsonObject(ready.body())).getString("store")).isEqualTo("DOWN");
        assertThat(master.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsCountQueuedBuildsByArchReleaseAndTypeNextToVertxFigures() throws Exception {
        master.post("text/plain", ApiVerticleTest.INI);
        master.post("text/plain", ApiVerticleTest.INI);

        HttpResponse<String> metrics = master.get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("fbs_builds{arch=\"x86_64\",release=\"41\",state=\"QUEUED\",type=\"boot\"} 2.0")
            .contains("vertx_http_server_requests_total")
            .contains("fbs_dispatch_latency_seconds_count 0");
    }

    @Test
    void infoNamesTheVersionAndTheRole() throws Exception {
        HttpResponse<String> info = master.get("/api/v1/info");

        assertThat(info.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(info.body());
        assertThat(body.getString("name")).isEqualTo("fbs");
        assertThat(body.getString("role")).isEqualTo("master");
        assertThat(body.getString("version")).isNotBlank();
        assertThat(body.getString("java")).isEqualTo(System.getProperty("java.version"));
        assertThat(body.getLong("uptimeSeconds")).isNotNegative();
        assertThat(Files.exists(data.resolve("fbs.db"))).isTrue();
    }

    /** The health-check answer's checks as id -> status. */
    static JsonObject byId(JsonObject answer) {
        JsonObject checks = new JsonObject();
        answer.getJsonArray("checks").forEach(c -> checks.put(((JsonObject) c).getString("id"),
            ((JsonObject) c).getString("status")));
        return checks;
    }
}
