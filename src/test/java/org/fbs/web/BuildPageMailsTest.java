package org.fbs.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.fbs.testkit.BuildBuilder;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.fbs.store.BuildStore;
import org.fbs.store.OutboxMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build page names the recipients the mail server refused, as the outbox has them. */
class BuildPageMailsTest {

    @TempDir
    Path data;

    @Test
    void theBuildPageListsItsMailsAndNamesTheRefusedRecipients() throws Exception {
        Instant t0 = Instant.parse("2026-11-26T08:00:00Z");
        long id;
        try (BuildStore store = BuildStore.open(data)) {
            JsonObject spec = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
                .put("email", "qa@example.org,<b>refused</b>@example.org");
            id = store.insert(BuildBuilder.queued().spec(spec).owner("local").at(t0).build()).id();
            OutboxMail mail = store.insertMail(OutboxMail.pending(id + "/started/1", id, "started",
                List.of("qa@example.org", "<b>refused</b>@example.org"), "s", "t", "h", t0));
            store.updateMail(mail.sent(List.of("<b>refused</b>@example.org"), "refused"));
        }

        try (WebTestBed pages = WebTestBed.pagesOnly(data)) {
            String page = pages.get("/builds/" + id).bodyAsString();

            assertThat(page).contains("<ul id=\"mails\"><li>started: sent, to qa@example.org, "
                + "&lt;b&gt;refused&lt;/b&gt;@example.org<br><span class=\"refused\">Refused by the mail server: "
                + "&lt;b&gt;refused&lt;/b&gt;@example.org</span></li></ul>");
        }
    }
}
