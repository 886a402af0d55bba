package org.fbs.master;

import static org.fbs.testkit.Waits.eventually;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.WorkerStatusBuilder;
import org.fbs.testkit.BuildEventBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.OfferReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real master (no SMTP server configured) with the test playing a worker: passwords in a spec never show in the
 * API or the mails and are gone from the store once the build ends, and the dispatcher's changes reach the
 * outbox as start and finish mails, the finish mail with the log tail the worker sent.
 */
class SecretsAndMailsTest {

    private static final String INI = """
        [DEFAULT]
        type=boot
        arch=x86_64
        release=41
        email=qa@example.org
        staging=ftp://bob:hunter2@ftp.example.org/pub
        [boot]
        proxy=http://qa:pxpass@proxy.example.org:3128
        """;

    @TempDir
    Path data;
    MasterTestBed master;

    /** The lease of each build's offer, stamped on the played worker's events. */
    final java.util.Map<Long, String> leases = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        master = new MasterTestBed(data);
        await(master.vertx.eventBus().<JsonObject>consumer(org.fbs.protocol.Addresses.offer("w1"), msg -> {
            org.fbs.protocol.JobOffer offer = org.fbs.protocol.JobOffer.fromJson(msg.body());
            leases.put(offer.buildId(), offer.lease());
            msg.reply(OfferReply.accept("w1").toJson());
        }).completion());
        // Where w1 serves its logs: the master takes the log link from here, never from an offer's answer.
        master.vertx.eventBus().publish(org.fbs.protocol.Addresses.WORKERS, WorkerStatusBuilder.status("w1")
            .url("http://w1:5100").addresses(DispatcherTest.ADDRESS).slots(8).build().toJson());
    }

    @AfterEach
    void stop() throws Exception {
        master.close();
    }

    @Test
    void passwordsAreMaskedInTheApiAtAllTimesAndDroppedFromTheStoreWhenTheBuildEnds() throws Exception {
        String created = master.post("text/plain", INI).body();
        long id = new JsonObject(created).getLong("id");
        assertThat(created).doesNotContain("hunter2", "pxpass");

        JsonObject assigned = master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));
        assertThat(assigned.getJsonObject("spec").getString("staging")).isEqualTo("ftp://bob:***@ftp.example.org/pub");
        assertThat(assigned.getJsonObject("spec").getJsonObject("boot").getString("proxy"))
            .isEqualTo("http://qa:***@proxy.example.org:3128");
        assertThat(master.get("/api/v1/builds").body()).doesNotContain("hunter2", "pxpass");
        assertThat(storedDocs()).as("kept while the build may still need them (a retry)").contains("hunter2");

        event(id, 1, BuildEvent.Kind.STAGE, "side-repo", null, List.of());
        event(id, 2, BuildEvent.Kind.FAILED, null, "FTP server ftp.example.org:21 refused the login of user 'bob'",
            List.of("== staging ==", "build failed: FTP server ftp.example.org:21 refused the login of user 'bob'"));

        JsonObject failed = master.awaitBuild(id, b -> b.getString("state").equals("FAILED"));
        assertThat(failed.getJsonObject("spec").getString("staging")).isEqualTo("ftp://bob:***@ftp.example.org/pub");
        assertThat(storedDocs()).doesNotContain("hunter2", "pxpass").contains("ftp://bob:***@ftp.example.org/pub");
    }

    @Test
    void theStartAndFinishMailsLandInTheOutboxWithTheLogTailAndNoPassword() throws Exception {
        long id = new JsonObject(master.post("text/plain", INI).body()).getLong("id");
        master.awaitBuild(id, b -> b.getString("state").equals("ASSIGNED"));

        event(id, 1, BuildEvent.Kind.STAGE, "side-repo", null, List.of());
        event(id, 2, BuildEvent.Kind.STAGE, "image", null, List.of());
        event(id, 3, BuildEvent.Kind.FAILED, null, "lorax exited with status 3",
            List.of("installing runtime packages", "build failed: lorax exited with status 3"));

        JsonArray mails = awaitMails(2);
        JsonObject finish = mails.getJsonObject(0);
        JsonObject start = mails.getJsonObject(1);
        assertThat(start.getString("subject")).isEqualTo("[FBS] build " + id + " started: Fedora boot x86_64/41");
        assertThat(start.getString("status")).isEqualTo("LOGGED");
        assertThat(start.getJsonArray("to")).containsExactly("qa@example.org");
        // Signed for the link lifetime, so that the link in the mail opens the log on the worker.
        assertThat(start.getString("text")).contains("Live log: http://w1:5100/log/1?expires=");
        assertThat(finish.getString("subject")).isEqualTo("[FBS] build " + id + " FAILED: Fedora boot x86_64/41");
        assertThat(finish.getString("text"))
            .startsWith("Build " + id + " FAILED: lorax exited with status 3")
            .contains("installing runtime packages")
            .as("the reason is told once, not again at the end of the log tail")
            .doesNotContain("build failed: lorax exited with status 3");
        assertThat(mails.encode()).doesNotContain("hunter2", "pxpass");
    }

    @Test
    void aSpecWithMoreThanTwentyAddressesIsRefusedWith400NamingEmail() throws Exception {
        String many = IntStream.rangeClosed(1, 21).mapToObj(i -> "u" + i + "@example.org")
            .collect(Collectors.joining(","));
        HttpResponse<String> answer = master.post("application/json", new JsonObject().put("type", "boot")
            .put("arch", "x86_64").put("release", "41").put("email", many).encode());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("email: at most 20 addresses, not 21");
        assertThat(new JsonObject(master.get("/api/v1/builds").body()).encode()).doesNotContain("u21@example.org");
    }

    private void event(long id, long seq, BuildEvent.Kind kind, String stage, String reason, List<String> tail)
        throws Exception {
        BuildEvent event = BuildEventBuilder.event(id, kind).seq(seq).stage(stage).reason(reason).logTail(tail)
            .lease(leases.get(id)).build();
        await(master.vertx.eventBus().request(Addresses.EVENTS, event.toJson()));
    }

    private JsonArray awaitMails(int count) throws Exception {
        return eventually(count + " mails sent or given up",
            () -> new JsonObject(master.get("/api/v1/mails").body()).getJsonArray("mails"),
            mails -> mails.size() >= count && mails.stream()
                .noneMatch(m -> ((JsonObject) m).getString("status").equals("PENDING")));
    }

    /** Every stored build document, read straight from the SQLite file. */
    private String storedDocs() throws Exception {
        StringBuilder docs = new StringBuilder();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("fbs.db"));
             Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT doc FROM builds")) {
            while (rs.next()) {
                docs.append(rs.getString(1)).append('\n');
            }
        }
        return docs.toString();
    }
}
