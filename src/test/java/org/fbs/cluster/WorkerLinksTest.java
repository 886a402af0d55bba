package org.fbs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The links the master hands out: the build's log and the files kept on its worker, signed for that build and path;
 * the master's own log reads; nothing signed that is not under the worker's announced URL.
 */
class WorkerLinksTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final byte[] SECRET = "a cluster secret of 32 bytes or more".getBytes();
    final LinkSigner master = new LinkSigner(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
    final WorkerLinks links = new WorkerLinks(master, Duration.ofDays(7));

    @Test
    void theLogAndTheWorkersFilesAreSignedAndNothingElse() {
        JsonObject build = new JsonObject().put("id", 5).put("logUrl", "https://w1.example/fbs/log/5")
            .put("artifacts", new JsonArray()
                .add(new JsonObject().put("name", "boot.iso").put("location", "https://w1.example/fbs/artifacts/5/boot.iso"))
                .add(new JsonObject().put("name", "x.iso").put("location", "https://evil.example/fbs/artifacts/5/x.iso"))
                .add(new JsonObject().put("name", "y.iso").put("location", "https://w1.example/fbs/artifacts/6/y.iso"))
                .add(new JsonObject().put("name", "z.iso").put("location", "file:///srv/fbs/z.iso")));

        JsonObject signed = links.signed(build);

        assertThat(build.getString("logUrl")).as("the original is left alone").doesNotContain("?");
        String log = signed.getString("logUrl");
        assertThat(log).startsWith("https://w1.example/fbs/log/5?expires=");
        assertThat(opens(log, 5, "/log/5", NOW.plus(Duration.ofDays(6)))).as("within the lifetime").isTrue();
        // A build still going gets links valid for the lifetime, rounded up to the next hour (the same link all hour).
        assertThat(opens(log, 5, "/log/5", NOW.plus(Duration.ofDays(7)).plusSeconds(3599))).as("the hour").isTrue();
        assertThat(opens(log, 5, "/log/5", NOW.plus(Duration.ofDays(7)).plusSeconds(3601))).as("past it").isFalse();
        assertThat(opens(log, 6, "/log/6", NOW)).as("another build").isFalse();
        JsonArray artifacts = signed.getJsonArray("artifacts");
        String iso = artifacts.getJsonObject(0).getString("location");
        assertThat(opens(iso, 5, "/artifacts/5/boot.iso", NOW)).isTrue();
        assertThat(artifacts.getJsonObject(1).getString("location")).as("not on the build's worker")
            .isEqualTo("https://evil.example/fbs/artifacts/5/x.iso");
        assertThat(artifacts.getJsonObject(2).getString("location")).as("another build's")
            .isEqualTo("https://w1.example/fbs/artifacts/6/y.iso");
        assertThat(artifacts.getJsonObject(3).getString("location")).isEqualTo("file:///srv/fbs/z.iso");
    }

    @Test
    void anEndedBuildsLinksLastTheLifetimeFromItsEndAndAreTheSameOnEveryRead() {
        Instant ended = NOW.minus(Duration.ofDays(2));
        JsonObject build = new JsonObject().put("id", 5).put("state", "SUCCEEDED").put("logUrl", "http://w1:5100/log/5")
            .put("history", new JsonArray().add(new JsonObject().put("state", "SUCCEEDED").put("at", ended.toString())));

        String log = links.signed(build).getString("logUrl");

        assertThat(links.signed(build).getString("logUrl")).isEqualTo(log);
        assertThat(opens(log, 5, "/log/5", ended.plus(Duration.ofDays(7)))).as("until its files go").isTrue();
        assertThat(opens(log, 5, "/log/5", ended.plus(Duration.ofDays(7)).plusSeconds(1))).as("past it").isFalse();
    }

    @Test
    void aLogLinkThatIsNotTheWorkersIsNeitherSignedNorRead() {
        JsonObject odd = new JsonObject().put("id", 5).put("logUrl", "http://10.0.0.1/admin");
        assertThat(links.signed(odd).getString("logUrl")).isEqualTo("http://10.0.0.1/admin");
        assertThat(links.signed(new JsonObject().put("id", 5)).getString("logUrl")).isNull();
        org.fbs.build.Build build = org.fbs.build.Build.fromJson(new JsonObject().put("id", 5).put("state", "RUNNING")
            .put("spec", new JsonObject()).put("logUrl", "http://w1:5100/log/5"));
        String relay = links.forRelay(build);
        assertThat(opens(relay, 5, "/log/5", NOW.plusSeconds(60))).isTrue();
        assertThat(opens(relay, 5, "/log/5", NOW.plusSeconds(61))).as("the master's own reads: a minute").isFalse();
        assertThat(links.forRelay(build.withLogUrl("http://10.0.0.1/admin"))).isNull();
    }

    /** Whether the worker, its clock at {@code at}, serves {@code path} of build {@code id} for {@code url}. */
    private static boolean opens(String url, long id, String path, Instant at) {
        String query = URI.create(url).getRawQuery();
        String expires = query.replaceAll(".*expires=([^&]*).*", "$1");
        String sig = query.replaceAll(".*sig=([^&]*).*", "$1");
        return new LinkSigner(SECRET, Clock.fixed(at, ZoneOffset.UTC)).allows(id, path, expires, sig)
            && URI.create(url).getRawPath().endsWith(path);
    }
}
