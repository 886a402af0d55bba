package org.fbs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the client commands print builds and workers. */
class ClientTablesTest {

    static JsonObject build(long id, String state, String stage, String worker, String reason) {
        return new JsonObject().put("id", id).put("state", state).put("stage", stage)
            .put("spec", new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41"))
            .put("worker", worker).put("logUrl", worker == null ? null : "http://w1:5100/log/" + id)
            .put("owner", "alice").put("reason", reason).put("attempt", worker == null ? 0 : 1)
            .put("history", new JsonArray().add(new JsonObject().put("state", "QUEUED")
                .put("at", "2026-11-26T09:00:01.123456Z")))
            .put("artifacts", new JsonArray()).put("extraPackages", new JsonArray());
    }

    @Test
    void aTableAlignsItsColumnsAndKeepsEachRowOnOneLine() {
        Table table = new Table("ID", "STATE", "REASON").row("7", "QUEUED", "no worker\nonline").row("12", "RUNNING", null);

        assertThat(table).hasToString("""
            ID  STATE    REASON
            7   QUEUED   no worker online
            12  RUNNING  -
            """);
    }

    @Test
    void theBuildListShowsStateStageImageOwnerWorkerAndWhen() {
        JsonArray builds = new JsonArray().add(build(12, "RUNNING", "image", "w1", null))
            .add(build(7, "QUEUED", null, null, "no worker online for x86_64/41"));

        assertThat(BuildText.table(builds)).hasToString("""
            ID  STATE            IMAGE           OWNER  WORKER  SUBMITTED             REASON
            12  RUNNING (image)  boot x86_64/41  alice  w1      2026-11-26T09:00:01Z  -
            7   QUEUED           boot x86_64/41  alice  -       2026-11-26T09:00:01Z  no worker online for x86_64/41
            """);
    }

    @Test
    void oneBuildShowsItsFieldsAndEachArtifactWithItsSha256() {
        JsonObject build = build(12, "FAILED", null, "w1", "lorax exited with status 1")
            .put("attempt", 2)
            .put("extraPackages", new JsonArray().add(new JsonObject().put("nvra", "anaconda-41.35-1.fc41.x86_64")))
            .put("artifacts", new JsonArray().add(new JsonObject().put("name", "build-12.log").put("size", 3640)
                .put("sha256", "ab".repeat(32)).put("location", "file:///srv/fbs/build-12.log")));

        assertThat(BuildText.details(build)).isEqualTo("""
            build 12: FAILED
              image:     boot x86_64/41
              owner:     alice
              submitted: 2026-11-26T09:00:01Z
              worker:    w1
              log:       fbs logs 12
              reason:    lorax exited with status 1
              attempt:   2
              packages:  anaconda-41.35-1.fc41.x86_64
            artifacts:
              build-12.log  3640 bytes  sha256 %s  file:///srv/fbs/build-12.log
            """.formatted("ab".repeat(32)));
    }

    @Test
    void theWorkerTableSaysWhatEachBuildsAndWhenItWasHeardFrom() {
        Instant now = Instant.parse("2026-11-26T09:10:00Z");
        JsonArray workers = new JsonArray()
            .add(new JsonObject().put("worker", "w-x86").put("addresses", new JsonArray().add("build.x86_64.41")
                    .add("build.x86_64.rawhide")).put("types", new JsonArray().add("boot").add("live"))
                .put("slots", 2).put("free", 1).put("running", new JsonArray().add(12)).put("draining", false)
                .put("lastSeen", "2026-11-26T09:09:55Z"))
            .add(new JsonObject().put("worker", "w-arm").put("addresses", new JsonArray().add("build.aarch64.41"))
                .put("types", null).put("slots", 1).put("free", 0).put("running", new JsonArray())
                .put("draining", true).put("lastSeen", "2026-11-26T08:00:00Z"));

        assertThat(BuildText.workers(workers, now)).hasToString("""
            WORKER  BUILDS FOR                TYPES      SLOTS  FREE  RUNNING  STATE          LAST SEEN
            w-x86   x86_64/41,x86_64/rawhide  boot,live  2      1     12       taking builds  5s ago
            w-arm   aarch64/41                any        1      0     -        draining       70m ago
            """);
    }
}
