package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DVDs on current Fedora through a local pungi-koji compose, end to end with real processes: a master and three
 * workers from the packaged fbs.jar, the stand-ins of src/test/standins in place of pungi 4.9 (gather-only
 * {@code pungi-4.9}), the legacy pungi 4.3.2 ({@code pungi}) and {@code pungi-koji}. Workers:
 * <ul>
 *   <li>w-compose (x86_64; 41, 42, rawhide): pungi 4.9 and pungi-koji: only the compose route;</li>
 *   <li>w-both (aarch64; 40, 41): the legacy pungi and pungi-koji: the legacy script for 40, a compose for 41;</li>
 *   <li>w-neither (s390x; 41): pungi 4.9 without pungi-koji: no dvd, and it says why.</li>
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DvdComposeEndToEndIT {

    @AutoClose
    static E2eCluster cluster;
    /** A real release repository (rpmbuild RPMs, createrepo_c -g comps.xml) with the group somegroup. */
    static String release;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new E2eCluster("dvd", "w-compose", "w-both", "w-neither");
        release = org.fbs.build.ReleaseRepo.make(cluster.dir.resolve("release"));
        cluster.startMaster();
        String koji = E2eCluster.STANDINS.resolve("pungi-koji").toString();
        String gatherOnly = E2eCluster.STANDINS.resolve("pungi-4.9").toString();
        // one at a time: on a loaded machine three JVMs joining at once may take longer than awaitWorkers waits
        cluster.worker("w-compose").releases("41", "42", "rawhide").allStandIns().tool("pungi", gatherOnly)
            .tool("pungi-koji", koji).start();
        cluster.awaitWorkers("w-compose");
        cluster.worker("w-both").arch("aarch64").releases("40", "41").allStandIns().tool("pungi-koji", koji).start();
        cluster.awaitWorkers("w-compose", "w-both");
        cluster.worker("w-neither").arch("s390x").allStandIns().tool("pungi", gatherOnly).start();
        cluster.awaitWorkers("w-compose", "w-both", "w-neither");
    }

    static JsonObject dvd(String arch, String release, JsonObject options) {
        return dvd(arch, release, options, "@somegroup");
    }

    static JsonObject dvd(String arch, String fedora, JsonObject options, String group) {
        return new JsonObject().put("type", "dvd").put("arch", arch).put("release", fedora)
            .put("staging", cluster.staging.toUri().toString())
            .put("dvd", options.copy().put("flavor", "Server").put("config", "dvd.ks").put("kickstart",
                "repo --name=release --baseurl=" + release + "\n%packages\n" + group
                    + "\nkernel\nanaconda\n-fprintd\n%end\n"));
    }

    @Test
    void aDvdFor41And42AndRawhideIsComposedOnAWorkerWithPungi49AndPungiKoji() throws Exception {
        List<String> releases = List.of("41", "42", "rawhide");
        List<Long> ids = new java.util.ArrayList<>();
        for (String release : releases) {
            ids.add(cluster.submit(dvd("x86_64", release, new JsonObject().put("sourceisos", "1"))));
        }
        for (int i = 0; i < ids.size(); i++) {
            JsonObject build = cluster.awaitEnd(ids.get(i), Duration.ofSeconds(120));
            ImageTypesEndToEndIT.assertStaged(build, 3); // the DVD, the boot ISO and the source DVD
            assertThat(build.getString("worker")).isEqualTo("w-compose");
            List<String> names = names(build);
            String release = releases.get(i);
            // the legacy route's names, as pungi-koji writes them with FBS's image_name_format and disc_types
            assertThat(names).containsExactlyInAnyOrder("Fedora-Server-" + release + "-x86_64-DVD.iso",
                "Fedora-Server-" + release + "-x86_64-netinst.iso", "Fedora-Server-" + release + "-source-DVD.iso",
                "CHECKSUM", "dvd.ks", "build-" + ids.get(i) + ".log");
            String log = log(ids.get(i));
            assertThat(log).contains("dvd route: a pungi-koji compose", "--compose-dir", "--test", "--no-latest-link",
                "Compose finished").doesNotContain("not found in comps", "does not match anything");
        }
    }

    @Test
    void aWorkerWithBothRoutesTakesTheLegacyScriptBefore41AndAComposeFrom41() throws Exception {
        long forty = cluster.submit(dvd("aarch64", "40", new JsonObject()));
        long fortyOne = cluster.submit(dvd("aarch64", "41", new JsonObject()));

        JsonObject legacy = cluster.awaitEnd(forty, Duration.ofSeconds(120));
        ImageTypesEndToEndIT.assertStaged(legacy, 2); // the DVD and the netinst ISO
        // (the legacy stand-in names the DVD after the host's arch, as pungi 4.3.2 does without --arch)
        assertThat(names(legacy)).anyMatch(n -> n.matches("Fedora-Server-40-[a-z0-9_]+-DVD\\.iso")).contains("dvd.ks");
        assertThat(log(forty)).contains("dvd route: the legacy pungi script", "--all-stages")
            .doesNotContain("pungi-koji");
        JsonObject compose = cluster.awaitEnd(fortyOne, Duration.ofSeconds(120));
        ImageTypesEndToEndIT.assertStaged(compose, 2); // the DVD and the boot ISO: no source ISO unless asked for
        assertThat(names(compose)).contains("Fedora-Server-41-aarch64-DVD.iso", "dvd.ks");
        assertThat(log(fortyOne)).contains("dvd route: a pungi-koji compose");
    }

    /** A kickstart group the release's comps lack fails the compose-route build, naming the group. */
    @Test
    void aKickstartGroupTheReleaseLacksFailsTheBuildNamingIt() throws Exception {
        long id = cluster.submit(dvd("x86_64", "42", new JsonObject(), "@no-such-group"));

        JsonObject build = cluster.awaitEnd(id, Duration.ofSeconds(120));
        assertThat(build.getString("state")).isEqualTo("FAILED");
        assertThat(build.getString("reason")).startsWith("kickstart group @no-such-group: no repository of the"
            + " kickstart defines it in its comps (" + release + ")");
        assertThat(log(id)).contains("kickstart group @no-such-group: no repository of the kickstart defines it")
            .doesNotContain("running: " + E2eCluster.STANDINS.resolve("pungi-koji"));
    }

    @Test
    void aWorkerWithNeitherRouteDeclinesDvdsWithTheReasonAndTheBuildWaits() throws Exception {
        long id = cluster.submit(dvd("s390x", "41", new JsonObject()));

        JsonObject waiting = cluster.awaitBuild(id, b -> b.getString("reason") != null, Duration.ofSeconds(30));
        assertThat(waiting.getString("state")).isEqualTo("QUEUED");
        assertThat(waiting.getString("reason")).isEqualTo("no worker online has a pungi that builds DVDs for s390x/41");
        JsonObject worker = new JsonObject(cluster.get(cluster.master + "/api/v1/workers").body())
            .getJsonArray("workers").stream().map(JsonObject.class::cast)
            .filter(w -> w.getString("worker").equals("w-neither")).findFirst().orElseThrow();
        assertThat(worker.getJsonArray("types").getList()).doesNotContain("dvd");
        assertThat(worker.getJsonObject("kinds").getString("dvd")).isEqualTo("its pungi (pungi-4.9.0-1.fc41.noarch)"
            + " only gathers packages (pungi 4.8 and later), and its pungi-koji (worker.tools.pungi-koji) not found;"
            + " DVDs need the legacy pungi before 4.8, or pungi-koji 4.8 or later for a compose");
        assertThat(cluster.postJson("/api/v1/builds/" + id + "/cancel", "").statusCode()).isEqualTo(200);
    }

    @Test
    void aStageAComposeCannotHonourIsRefusedAtSubmitForReleasesOnlyComposesBuild() throws Exception {
        HttpResponse<String> refused = cluster.postJson("/api/v1/builds",
            dvd("x86_64", "42", new JsonObject().put("stage", "-B")).encode());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(new JsonObject(refused.body()).getJsonArray("errors").getList()).containsExactly(
            "[dvd] stage: -B cannot be honoured for release 42: its DVDs are made by a pungi-koji compose (Fedora 41"
                + " and later have no legacy pungi), which starts from nothing and cannot run -B without the stages"
                + " before it; use all, or -G to only gather the packages");
    }

    private static List<String> names(JsonObject build) {
        return build.getJsonArray("artifacts").stream().map(JsonObject.class::cast).map(a -> a.getString("name"))
            .toList();
    }

    private static String log(long id) throws Exception {
        return cluster.get(cluster.master + "/api/v1/builds/" + id + "/log").body();
    }
}
