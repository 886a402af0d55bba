package org.fbs.worker;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.JobOfferBuilder;
import org.fbs.testkit.TestTools;
import org.fbs.testkit.WorkerSettingsBuilder;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.build.ExtraPackage;
import org.fbs.config.Isolation;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.KojiSettings;
import org.fbs.config.WorkerSettings;
import org.fbs.koji.LocalKoji;
import org.fbs.koji.TestRpms;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.BuildEvent.Kind;
import org.fbs.protocol.CancelRequest;
import org.fbs.protocol.JobOffer;
import org.fbs.protocol.OfferReply;
import org.fbs.protocol.WorkerStatus;
import org.fbs.spec.SpecParser;
import org.fbs.standins.ToolFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real worker (WorkerVerticle and LogHttpVerticle, deployed by WorkerRole) on a local Vert.x, with this test
 * playing the master: it offers jobs on {@code build.x86_64.41}, acknowledges (or refuses) events on
 * {@code fbs.events}, and listens to announcements on {@code fbs.workers}. lorax is the test stand-in, run through
 * small wrapper scripts that set its test controls.
 */
class WorkerVerticleTest {

    private static final Path STANDIN_LORAX = Path.of("src/test/standins/lorax").toAbsolutePath();
    private static final String OFFERS = Addresses.build("x86_64", "41");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Path workDir;
    private Path staging;
    private Vertx vertx;
    private int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Every delivery on fbs.events, refused or not, in arrival order. */
    private final List<JsonObject> deliveries = new CopyOnWriteArrayList<>();
    /** The events this "master" acknowledged, in arrival order. */
    private final List<BuildEvent> events = new CopyOnWriteArrayList<>();
    private final List<WorkerStatus> announcements = new CopyOnWriteArrayList<>();
    /** The small filesystems this test mounted (unmounted after it). */
    private final List<Path> mounted = new ArrayList<>();
    /** Which deliveries the master fails instead of acknowledging. */
    private volatile Predicate<JsonObject> refuse = event -> false;

    @BeforeEach
    void startMasterSide() throws Exception {
        workDir = Files.createDirectories(tmp.resolve("work"));
        staging = Files.createDirectories(tmp.resolve("staging"));
        vertx = Vertx.vertx();
        MessageConsumer<JsonObject> eventConsumer = vertx.eventBus().consumer(Addresses.EVENTS, this::onEvent);
        MessageConsumer<JsonObject> workerConsumer = vertx.eventBus().consumer(Addresses.WORKERS,
            msg -> announcements.add(WorkerStatus.fromJson(msg.body())));
        await(eventConsumer.completion());
        await(workerConsumer.completion());
    }

    @AfterEach
    void stopVertx() throws Exception {
        await(vertx.close());
        for (Path dir : mounted) {
            new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor();
        }
    }

    private void onEvent(Message<JsonObject> msg) {
        deliveries.add(msg.body());
        if (refuse.test(msg.body())) {
            msg.fail(503, "the test master refuses this delivery");
            return;
        }
        events.add(BuildEvent.fromJson(msg.body()));
        msg.reply(new JsonObject().put("ack", true));
    }

    // ---- the tests ----------------------------------------------------------------------------------------------

    @Test
    void anAcceptedOfferRunsLoraxAndReportsItsStagesThenSuccessWithTheStagedFiles() throws Exception {
        startWorker(STANDIN_LORAX);

        OfferReply reply = offer(7);

        assertThat(reply.accepted()).as("accepted: %s", reply).isTrue();
        assertThat(reply.worker()).isEqualTo("w-test");

        List<BuildEvent> seen = awaitEvents(7, 4);
        assertThat(seen).extracting(BuildEvent::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seen).extracting(BuildEvent::kind)
            .containsExactly(Kind.STAGE, Kind.STAGE, Kind.STAGE, Kind.SUCCEEDED);
        assertThat(seen.subList(0, 3)).extracting(BuildEvent::stage).containsExactly("side-repo", "image", "staging");
        assertThat(seen).extracting(BuildEvent::worker).containsOnly("w-test");

        BuildEvent succeeded = seen.get(3);
        Path folder = staging.resolve("Fedora-x86_64-41-7");
        assertThat(folder).isDirectory();
        assertThat(succeeded.artifacts()).extracting(Artifact::name).containsExactly("boot.iso", "CHECKSUM", "build-7.log");
        for (Artifact artifact : succeeded.artifacts()) {
            Path file = folder.resolve(artifact.name());
            assertThat(file).isRegularFile();
            assertThat(artifact.size()).as("size of %s", artifact.name()).isEqualTo(Files.size(file));
            assertThat(artifact.sha256()).as("sha256 of %s", artifact.name()).isEqualTo(sha256(file));
            assertThat(artifact.location()).isEqualTo(file.toUri().toString());
        }
        assertThat(isoVolumeDescriptor(folder.resolve("boot.iso"))).as("ISO 9660 signature").isEqualTo("CD001");
        assertThat(workDir.resolve("builds/7-attempt-1")).doesNotExist();

        HttpResponse<String> log = get("/log/7");
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.body()).contains("== image ==", "build 7 succeeded");
    }

    @Test
    void anOfferPastItsDeadlineIsRefusedAndAFreshOneRunsUnderItsLease() throws Exception {
        startWorker(STANDIN_LORAX);
        JsonObject spec = SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file://"
            + staging + "\n").toJson();
        // Held up by a partition: the master stopped waiting for it 30 s ago (well past the allowed clock skew).
        long lapsed = System.currentTimeMillis() - 30_000 - JobOffer.MAX_CLOCK_SKEW.toMillis();
        OfferReply stale = OfferReply.fromJson(await(vertx.eventBus().<JsonObject>request(Addresses.offer("w-test"),
            JobOfferBuilder.offer(81, spec).attempt(2).lease("5b1c0d3e-1111-4111-8111-000000000081").deadline(lapsed)
                .build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000))).body());

        assertThat(stale.accepted()).isFalse();
        assertThat(stale.reason()).startsWith("the offer lapsed at ");
        assertThat(workDir.resolve("builds/81-attempt-2")).doesNotExist();
        assertThat(tmp.resolve("work")).isDirectory();

        String lease = "5b1c0d3e-2222-4222-8222-000000000081";
        OfferReply fresh = OfferReply.fromJson(await(vertx.eventBus().<JsonObject>request(Addresses.offer("w-test"),
            JobOfferBuilder.offer(81, spec).attempt(2).lease(lease).deadline(System.currentTimeMillis() + 10_000)
                .build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000))).body());
        assertThat(fresh.accepted()).isTrue();
        assertThat(awaitEnd(81).kind()).isEqualTo(Kind.SUCCEEDED);
        // Every event of the run names its lease: the master applies only those of the current one.
        assertThat(eventsOf(81)).extracting(BuildEvent::lease).containsOnly(lease);
        assertThat(eventsOf(81)).extracting(BuildEvent::attempt).containsOnly(2);
        assertThat(Files.readString(staging.resolve("Fedora-x86_64-41-81/.fbs-build"))).contains("lease=" + lease);
    }

    @Test
    void aBusyWorkerDeclinesOtherOffersAndAcceptsARepeatedOfferOfItsRunningBuildWithoutRunningItTwice()
        throws Exception {
        Path runs = tmp.resolve("runs.txt");
        // Each run leaves its working directory (the build's work dir) in runs.txt before lorax starts.
        startWorker(wrapper("lorax-slow", "printf '%s\\n' \"$PWD\" >> " + quoted(runs) + "\n"
            + "export FBS_STANDIN_SLEEP=2\n"
            + "exec " + quoted(STANDIN_LORAX) + " \"$@\"\n"));
        int announcedBefore = announcements.size();

        assertThat(offer(1).accepted()).isTrue();
        OfferReply other = offer(2);
        OfferReply again = offer(1);

        assertThat(other).isEqualTo(OfferReply.decline("w-test", "no free slot"));
        assertThat(again).isEqualTo(OfferReply.accept("w-test"));
        assertThat(awaitEnd(1).kind()).isEqualTo(Kind.SUCCEEDED);
        until("an announcement with the slot free again", () -> announcements.stream().skip(announcedBefore)
            .anyMatch(s -> s.free() == 1 && s.running().isEmpty()));
        WorkerStatus freed = announcements.stream().skip(announcedBefore)
            .filter(s -> s.running().isEmpty()).findFirst().orElseThrow();
        assertThat(freed.toJson().getInteger("free")).isEqualTo(1);
        assertThat(freed.slots()).isEqualTo(1);
        assertThat(freed.addresses()).containsExactly(OFFERS);

        // A duplicate run of build 1 would have been queued on the worker's single build thread before build 3,
        // and its events before build 3's: once build 3 has ended, nothing more can come for build 1.
        assertThat(offer(3).accepted()).isTrue();
        assertThat(awaitEnd(3).kind()).isEqualTo(Kind.SUCCEEDED);
        assertThat(eventsOf(1)).extracting(BuildEvent::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(eventsOf(1)).filteredOn(e -> e.kind() == Kind.SUCCEEDED).hasSize(1);
        assertThat(eventsOf(2)).isEmpty();
        assertThat(Files.readAllLines(runs)).containsExactly(
            workDir.resolve("builds/1-attempt-1").toString(), workDir.resolve("builds/3-attempt-1").toString());
    }

    @Test
    void anEventTheMasterDoesNotAcknowledgeIsResentAndTheSequenceStillEndsInSuccess() throws Exception {
        AtomicBoolean refusedOnce = new AtomicBoolean();
        refuse = event -> event.getLong("seq") == 1 && refusedOnce.compareAndSet(false, true);
        startWorker(STANDIN_LORAX);

        assertThat(offer(5).accepted()).isTrue();

        assertThat(awaitEnd(5).kind()).isEqualTo(Kind.SUCCEEDED);
        List<JsonObject> delivered = deliveries.stream().filter(d -> d.getLong("build") == 5).toList();
        assertThat(delivered).extracting(d -> d.getLong("seq")).containsExactly(1L, 1L, 2L, 3L, 4L);
        assertThat(delivered.get(1)).as("the resent event is the same event").isEqualTo(delivered.get(0));
        assertThat(eventsOf(5)).extracting(BuildEvent::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(eventsOf(5)).extracting(BuildEvent::kind)
            .containsExactly(Kind.STAGE, Kind.STAGE, Kind.STAGE, Kind.SUCCEEDED);
    }

    @Test
    void aToolThatExitsNonZeroEndsInFailureWithItsStatusAndLastLine() throws Exception {
        startWorker(wrapper("lorax-broken", "echo 'setting up build architecture'\n"
            + "echo 'installing runtime packages'\n"
            + "echo 'error: the disk is on fire' >&2\n"
            + "exit 3\n"));

        assertThat(offer(11).accepted()).isTrue();

        BuildEvent end = awaitEnd(11);
        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).contains("status 3", "error: the disk is on fire");
        assertThat(end.artifacts()).isEmpty();
        assertThat(eventsOf(11)).extracting(BuildEvent::stage).containsExactly("side-repo", "image", null);
        assertThat(staging).isEmptyDirectory();
        assertThat(workDir.resolve("builds/11-attempt-1")).doesNotExist();
        assertThat(get("/log/11").body()).contains("installing runtime packages", "build failed: ");
    }

    @Test
    void aMissingToolIsFoundAtStartAndItsJobsAreDeclinedNamingTheSettingToFix() throws Exception {
        startWorker(tmp.resolve("no-such-dir/lorax"));

        OfferReply reply = offer(12);

        assertThat(reply.accepted()).isFalse();
        assertThat(reply.reason()).isEqualTo("this worker cannot build boot images: lorax not found"
            + " (worker.tools.lorax)");
        assertThat(announcements.get(0).types()).doesNotContain("boot");
        assertThat(eventsOf(12)).isEmpty();
        assertThat(workDir.resolve("builds/12-attempt-1")).doesNotExist();
    }

    @Test
    void stagingOutsideTheAllowedRootsFailsNamingTheSettingAndWritesNothingThere() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        startWorker(STANDIN_LORAX);

        assertThat(offer(21, elsewhere).accepted()).isTrue();

        BuildEvent end = awaitEnd(21);
        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).contains("worker.staging-roots", elsewhere.toString());
        assertThat(end.artifacts()).isEmpty();
        // Refused before the build, not after hours of lorax: no stage was ever entered.
        assertThat(eventsOf(21)).extracting(BuildEvent::kind).containsExactly(Kind.FAILED);
        assertThat(elsewhere).isEmptyDirectory();
        assertThat(staging).isEmptyDirectory();
        assertThat(workDir.resolve("builds/21-attempt-1")).doesNotExist();
    }

    @Test
    void followingALiveLogStreamsItUntilTheBuildEndsAndGivesTheWholeLog() throws Exception {
        startWorker(slowLorax(3));

        assertThat(offer(31).accepted()).isTrue();
        awaitEvents(31, 1); // the log exists once the first stage has been entered

        HttpResponse<InputStream> response = http.sendAsync(request("/log/31?follow=true"),
            HttpResponse.BodyHandlers.ofInputStream()).get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(eventsOf(31)).as("the follow began while the build ran")
            .noneMatch(e -> e.kind() != Kind.STAGE);
        String followed = readToEnd(response.body(), Duration.ofSeconds(60));

        assertThat(awaitEnd(31).kind()).isEqualTo(Kind.SUCCEEDED);
        String whole = get("/log/31").body();
        assertThat(followed).isEqualTo(whole);
        assertThat(followed).contains("== side-repo ==", "== image ==", "== staging ==", "creating boot.iso",
            "staged boot.iso", "build 31 succeeded");
    }

    @Test
    void followingALogLeavesNoFileOpenOnceTheResponseHasEnded() throws Exception {
        startWorker(slowLorax(2));

        assertThat(offer(41).accepted()).isTrue();
        awaitEvents(41, 1);
        HttpResponse<InputStream> response = http.sendAsync(request("/log/41?follow=true"),
            HttpResponse.BodyHandlers.ofInputStream()).get(60, TimeUnit.SECONDS);
        readToEnd(response.body(), Duration.ofSeconds(60));
        awaitEnd(41);

        Path log = BuildLog.fileOf(workDir.resolve("logs"), 41).toRealPath();
        until("the worker to close " + log, () -> openFilesOfThisProcess().noneMatch(log::equals));
    }

    @Test
    void theLogUrlOfAnAcceptedBuildAnswersAtOnce() throws Exception {
        startWorker(wrapper("lorax-quick-fail", "exit 3\n"));

        for (long id = 100; id < 150; id++) {
            assertThat(offer(id).accepted()).isTrue();
            // Signed as the master signs it: the worker in this JVM checks with this process's secret.
            HttpResponse<String> log = get("/log/" + id);
            assertThat(log.statusCode()).as("GET /log/%s right after the offer was accepted", id).isEqualTo(200);
            awaitEnd(id);
        }
    }

    /**
     * Extra packages from Koji: a real RPM (rpmbuild) from a local Koji stand-in (XML-RPC hub and package tree, see
     * LocalKoji) goes into a side repository made by real createrepo_c, which lorax (the stand-in, checking that the
     * file:// repository has repodata) gets with -s after the release repository.
     */
    @Test
    void aBootBuildWithAnNvrHandsLoraxTheSideRepoAndReportsThePackage() throws Exception {
        try (LocalKoji koji = LocalKoji.start(tmp.resolve("kojipkgs"))) {
            List<Path> rpms = TestRpms.build(tmp.resolve("rpms"), "fixed", "1.0", "1.fc41", "x86_64",
                List.of(new TestRpms.Package("", false, 12_000)));
            koji.add(77, "fixed", "1.0", "1.fc41", 1, "DEFAULT", rpms);
            Path args = tmp.resolve("lorax-args");
            startWorker(wrapper("lorax-recording", "printf '%s\\n' \"$@\" > " + quoted(args) + "\n"
                + "exec " + quoted(STANDIN_LORAX) + " \"$@\"\n"), new KojiSettings(koji.hub(), koji.topurl(), 2, 1L << 30));

            assertThat(offer(31, staging, "nvr=fixed-1.0-1.fc41\n").accepted()).isTrue();
            BuildEvent end = awaitEnd(31);

            assertThat(end.kind()).as(end.reason()).isEqualTo(Kind.SUCCEEDED);
            assertThat(end.extraPackages()).containsExactly(
                new ExtraPackage("fixed-1.0-1.fc41.x86_64", Files.size(rpms.get(0))));
            assertThat(Files.readAllLines(args)).containsSubsequence(
                "-s", "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/",
                "-s", "file://" + workDir.resolve("builds/31-attempt-1/side-repo"),
                "--nomacboot");
            assertThat(Files.readAllLines(args)).as("the default repo once, not also as a metalink")
                .doesNotContain("-m");
            assertThat(get("/log/31").body()).contains("downloaded fixed-1.0-1.fc41.x86_64")
                .contains("Added 'lorax-repo-1': file://" + workDir.resolve("builds/31-attempt-1/side-repo"));

            assertThat(offer(32, staging, "nvr=fixed-1.0-2.fc41\n").accepted()).isTrue();
            BuildEvent unknown = awaitEnd(32);
            assertThat(unknown.kind()).isEqualTo(Kind.FAILED);
            assertThat(unknown.reason()).isEqualTo("Koji build fixed-1.0-2.fc41 does not exist");
        }
    }

    // ---- every image type, cancel, timeout ----------------------------------------------------------------------

    private static final Path STANDINS = STANDIN_LORAX.getParent();
    private static final String FEDORA = "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/";
    private static final Pattern CHILD = Pattern.compile("stand-in child process ([0-9]+) started");

    /** Every tool a stand-in, perhaps behind a wrapper that sets its test controls. */
    private Map<String, String> standIns(Map<String, String> overrides) {
        return TestTools.standIns(overrides);
    }

    /** The stand-in {@code tool} behind a wrapper that exports {@code env} (e.g. FBS_STANDIN_SLEEP=30). */
    private String controlled(String tool, String env) throws IOException {
        return wrapper(tool + "-" + env.replaceAll("[^A-Za-z0-9]", "-"), "export " + env + "\n"
            + "exec " + quoted(STANDINS.resolve(tool)) + " \"$@\"\n").toString();
    }

    private JsonObject liveSpec(String kickstart) {
        return new JsonObject().put("type", "live").put("arch", "x86_64").put("release", "41")
            .put("staging", staging.toUri().toString())
            .put("live", new JsonObject().put("config", "fedora-live.ks").put("kickstart", kickstart));
    }

    private static String liveKickstart() {
        return ToolFixtures.liveKickstart(FEDORA);
    }

    /** The staged files of a succeeded build, checked against their artifacts and the CHECKSUM (by sha256sum -c). */
    private Path assertStagedWithChecksum(BuildEvent end, String folder, String... isos) throws Exception {
        assertThat(end.kind()).as("%s", end).isEqualTo(Kind.SUCCEEDED);
        Path dir = staging.resolve(folder);
        for (Artifact artifact : end.artifacts()) {
            Path file = dir.resolve(artifact.name());
            assertThat(artifact.size()).isEqualTo(Files.size(file));
            assertThat(artifact.sha256()).isEqualTo(sha256(file));
        }
        List<String> expected = new ArrayList<>();
        for (String iso : Stream.of(isos).sorted().toList()) {
            assertThat(isoVolumeDescriptor(dir.resolve(iso))).as(iso).isEqualTo("CD001");
            expected.add("# " + iso + ": " + Files.size(dir.resolve(iso)) + " bytes");
            expected.add("SHA256 (" + iso + ") = " + sha256(dir.resolve(iso)));
        }
        assertThat(Files.readAllLines(dir.resolve("CHECKSUM"))).containsExactlyElementsOf(expected);
        Process check = new ProcessBuilder("sha256sum", "-c", "CHECKSUM").directory(dir.toFile())
            .redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(checked).isZero();
        for (String iso : isos) {
            assertThat(checked).contains(iso + ": OK");
        }
        return dir;
    }

    @Test
    void aLiveBuildFlattensTheKickstartWithKsflattenRunsLivemediaCreatorAndStagesIsoChecksumAndKickstart()
        throws Exception {
        startWorker(standIns(Map.of()), Duration.ofHours(6), 3);
        assertThat(announcements.get(0).types()).containsExactly("boot", "live", "live-kiwi", "dvd");

        assertThat(offer(61, liveSpec(liveKickstart())).accepted()).isTrue();

        BuildEvent end = awaitEnd(61);
        assertThat(end.artifacts()).extracting(Artifact::name)
            .containsExactly("Fedora-Live-x86_64-41.iso", "CHECKSUM", "live.ks", "build-61.log");
        Path dir = assertStagedWithChecksum(end, "Fedora-x86_64-41-61", "Fedora-Live-x86_64-41.iso");
        assertThat(Files.readString(dir.resolve("live.ks")))
            .startsWith("# Generated by the ksflatten stand-in").contains("url --url=" + FEDORA);
        assertThat(workDir.resolve("logs/61-live.ks")).hasSameTextualContentAs(dir.resolve("live.ks"));
        assertThat(get("/log/61").body()).contains("ksflatten -c fedora-live.ks -o .fbs-flat.ks",
            "--make-iso --no-virt --ks " + workDir.resolve("builds/61-attempt-1/live.ks"), "build 61 succeeded");
        assertThat(workDir.resolve("builds/61-attempt-1")).doesNotExist();
    }

    @Test
    void withoutKsflattenTheKickstartIsUsedAsItCame() throws Exception {
        startWorker(standIns(Map.of("ksflatten", tmp.resolve("absent/ksflatten").toString())), Duration.ofHours(6), 3);

        assertThat(offer(62, liveSpec(liveKickstart())).accepted()).isTrue();

        BuildEvent end = awaitEnd(62);
        Path dir = assertStagedWithChecksum(end, "Fedora-x86_64-41-62", "Fedora-Live-x86_64-41.iso");
        assertThat(Files.readString(dir.resolve("live.ks"))).isEqualTo(liveKickstart());
        assertThat(get("/log/62").body()).contains("used as it came (ksflatten is not installed");
    }

    @Test
    void anIncludeOfAWorkerFileIsRefusedBeforeAnyToolReadsItAndNothingOfTheHostIsStaged() throws Exception {
        startWorker(standIns(Map.of()), Duration.ofHours(6), 3);
        Path secret = Files.writeString(tmp.resolve("host-secret"), "root:$6$WORKER-SECRET:19000:0:99999:7:::\n");

        // An offer straight on the event bus: a kickstart no master of ours would have let through.
        JsonObject spec = SpecParser.fromJson(liveSpec(liveKickstart())).toJson();
        spec.getJsonObject("live").put("kickstart", liveKickstart() + "%include " + secret + " # note\n");
        Message<JsonObject> reply = await(vertx.eventBus().request(OFFERS,
            JobOfferBuilder.offer(63, spec).build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000)));
        assertThat(OfferReply.fromJson(reply.body()).accepted()).isTrue();

        BuildEvent end = awaitEnd(63);
        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        long line = liveKickstart().lines().count() + 1;
        assertThat(end.reason()).startsWith("the worker cannot read this spec: [live] config: the kickstart's line " + line
            + " (%include " + secret + " # note) includes another file: a build brings exactly one kickstart");
        assertThat(get("/log/63").body()).doesNotContain("running:").doesNotContain("WORKER-SECRET");
        assertThat(staging).isEmptyDirectory();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as("%s", file)
                    .doesNotContain("WORKER-SECRET");
            }
        }
    }

    @Test
    void aKiwiLiveBuildRunsKiwiNgWithTheDescriptionAndProfile() throws Exception {
        startWorker(standIns(Map.of()), Duration.ofHours(6), 3);
        String description = ToolFixtures.KIWI_DESCRIPTION;
        JsonObject spec = new JsonObject().put("type", "live").put("arch", "x86_64").put("release", "41")
            .put("staging", staging.toUri().toString()).put("live", new JsonObject().put("tool", "kiwi")
                .put("profile", "Workstation-Live").put("config", "Fedora.kiwi").put("kickstart", description));

        assertThat(offer(64, spec).accepted()).isTrue();

        BuildEvent end = awaitEnd(64);
        String iso = "Fedora-Live." + uname() + "-" + ToolFixtures.KIWI_VERSION + ".iso";
        assertThat(end.artifacts()).extracting(Artifact::name)
            .containsExactly(iso, "CHECKSUM", "Fedora.kiwi", "build-64.log");
        Path dir = assertStagedWithChecksum(end, "Fedora-x86_64-41-64", iso);
        assertThat(dir.resolve("Fedora.kiwi")).hasContent(description.strip());
        assertThat(get("/log/64").body()).contains("--type=iso --profile=Workstation-Live --kiwi-file=Fedora.kiwi");
    }

    @Test
    void aDvdBuildRunsPungiAndStagesEveryIsoItMade() throws Exception {
        startWorker(standIns(Map.of()), Duration.ofHours(6), 3);
        JsonObject spec = new JsonObject().put("type", "dvd").put("arch", "x86_64").put("release", "41")
            .put("staging", staging.toUri().toString()).put("dvd", new JsonObject().put("flavor", "Server")
                .put("sourceisos", "1").put("config", "dvd.ks")
                .put("kickstart", "repo --name=fedora --baseurl=" + FEDORA + "\n%packages\n@core\n%end\n"));

        assertThat(offer(65, spec).accepted()).isTrue();

        BuildEvent end = awaitEnd(65);
        String arch = uname();
        List<String> isos = List.of("Fedora-Server-41-" + arch + "-DVD.iso", "Fedora-Server-41-" + arch
            + "-netinst.iso", "Fedora-Server-41-source-DVD.iso");
        assertThat(end.artifacts()).extracting(Artifact::name).containsAll(isos).contains("CHECKSUM", "dvd.ks");
        assertStagedWithChecksum(end, "Fedora-x86_64-41-65", isos.toArray(String[]::new));
        assertThat(get("/log/65").body()).contains("--flavor Server", "--sourceisos", "--all-stages");
    }

    @Test
    void aWorkerWithoutPungiDeclinesDvdJobsAndSaysSo() throws Exception {
        startWorker(standIns(Map.of("pungi", tmp.resolve("absent/pungi").toString())), Duration.ofHours(6), 3);
        JsonObject spec = new JsonObject().put("type", "dvd").put("arch", "x86_64").put("release", "41")
            .put("dvd", new JsonObject().put("config", "dvd.ks").put("kickstart", "repo --name=f --baseurl=" + FEDORA));

        OfferReply reply = offer(66, spec);

        assertThat(announcements.get(0).types()).containsExactly("boot", "live", "live-kiwi");
        assertThat(reply.accepted()).isFalse();
        assertThat(reply.reason()).isEqualTo("this worker cannot build dvd images: pungi not found, and its pungi-koji"
            + " (worker.tools.pungi-koji) not found; DVDs need the legacy pungi before 4.8, or pungi-koji 4.8 or later"
            + " for a compose (worker.tools.pungi)");
        assertThat(offer(67, liveSpec(liveKickstart())).accepted()).isTrue();
        assertThat(awaitEnd(67).kind()).isEqualTo(Kind.SUCCEEDED);
    }

    /**
     * pungi 4.8 and later cut pungi/scripts/pungi.py down to the gather phase: a worker with one announces dvd as not
     * available with the reason, and declines a dvd offer saying so (the master's waiting reason follows from it).
     */
    @Test
    void aWorkerWhosePungiOnlyGathersAnnouncesWhyAndDeclinesDvdJobs() throws Exception {
        Path pungi49 = tmp.resolve("pungi-4.9");
        Files.writeString(pungi49, "#!/bin/sh\n[ \"$1\" = --version ] && echo 4.9.1 && exit 0\nexit 2\n");
        Files.setPosixFilePermissions(pungi49, PosixFilePermissions.fromString("rwxr-xr-x"));
        startWorker(standIns(Map.of("pungi", pungi49.toString())), Duration.ofHours(6), 3);
        JsonObject spec = new JsonObject().put("type", "dvd").put("arch", "x86_64").put("release", "41")
            .put("dvd", new JsonObject().put("config", "dvd.ks").put("kickstart", "repo --name=f --baseurl=" + FEDORA));

        OfferReply reply = offer(68, spec);

        String why = "its pungi (4.9.1) only gathers packages (pungi 4.8 and later), and its pungi-koji"
            + " (worker.tools.pungi-koji) not found; DVDs need the legacy pungi before 4.8, or pungi-koji 4.8 or later"
            + " for a compose";
        assertThat(announcements.get(0).types()).containsExactly("boot", "live", "live-kiwi");
        assertThat(announcements.get(0).kinds()).containsEntry("boot", "available").containsEntry("live", "available")
            .containsEntry("live-kiwi", "available").containsEntry("dvd", why);
        assertThat(reply.accepted()).isFalse();
        assertThat(reply.reason()).isEqualTo("this worker cannot build dvd images: pungi " + why
            + " (worker.tools.pungi)");
    }

    /** lmc has had no --title since lorax 32: a spec's title is not passed, and the build log says so. */
    @Test
    void aLiveTitleIsNotPassedToLivemediaCreatorAndTheLogSaysWhy() throws Exception {
        startWorker(standIns(Map.of()), Duration.ofHours(6), 3);
        JsonObject spec = liveSpec(liveKickstart());
        spec.getJsonObject("live").put("title", "Fedora Live");

        assertThat(offer(69, spec).accepted()).isTrue();

        assertThat(awaitEnd(69).kind()).isEqualTo(Kind.SUCCEEDED);
        String log = get("/log/69").body();
        assertThat(log).contains("[live] title 'Fedora Live' is not passed: livemedia-creator has no --title option"
            + " since lorax 32");
        assertThat(log.lines().filter(l -> l.contains("running: ") && l.contains("--make-iso")).toList())
            .singleElement().asString().doesNotContain("--title").doesNotContain("Fedora Live");
    }

    @Test
    void aWorkerWithoutIsolationAnnouncesItAndDeclinesAnUntrustedOwnersKickstart() throws Exception {
        startWorker(standIns(Map.of()), Duration.ofHours(6), 3);
        JsonObject live = SpecParser.fromJson(liveSpec(liveKickstart())).toJson();

        // As an older master, or one not ours, might send it: marked for isolation, to a worker without any.
        Message<JsonObject> answer = await(vertx.eventBus().request(OFFERS,
            JobOfferBuilder.offer(68, live).isolate(true).build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000)));
        OfferReply reply = OfferReply.fromJson(answer.body());

        assertThat(announcements.get(0).isolation()).isEqualTo("none");
        assertThat(reply.accepted()).isFalse();
        assertThat(reply.reason()).isEqualTo("worker w-test runs live builds without isolation (worker.isolation:"
            + " none), and this build's owner is not trusted");
        assertThat(eventsOf(68)).isEmpty();
        assertThat(staging).isEmptyDirectory();
        // The same build of a trusted owner runs.
        assertThat(offer(69, liveSpec(liveKickstart())).accepted()).isTrue();
        assertThat(awaitEnd(69).kind()).isEqualTo(Kind.SUCCEEDED);
    }

    @Test
    void anUntrustedOwnersKickstartRunsInsideTheVmOnAVirtWorkerNeverOnTheHost() throws Exception {
        port = freePort();
        Path bootIso = Files.writeString(tmp.resolve("boot.iso"), "installer");
        // livemedia-creator's virt mode starts qemu: a stand-in qemu on the tool's PATH, so its check passes here.
        Path qemuDir = Files.createDirectories(tmp.resolve("qemu-bin"));
        Path qemu = Files.writeString(qemuDir.resolve("qemu-system-x86_64"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lmc = wrapper("livemedia-creator-virt", "export PATH=" + quoted(qemuDir) + ":\"$PATH\"\n"
            + "exec " + quoted(STANDINS.resolve("livemedia-creator")) + " \"$@\"\n");
        WorkerSettings settings = WorkerSettingsBuilder.worker(workDir).httpPort(port).stagingRoots(staging)
            .tools(standIns(Map.of("livemedia-creator", lmc.toString())))
            .isolation(new Isolation(Isolation.Mode.VIRT, bootIso)).build();
        await(WorkerRole.deploy(vertx, settings));
        until("the worker's first announcement", () -> !announcements.isEmpty());
        // A VM install ends only when the kickstart powers the VM off (livemedia-creator refuses it otherwise).
        JsonObject live = SpecParser.fromJson(liveSpec(liveKickstart() + "shutdown\n")).toJson();

        Message<JsonObject> answer = await(vertx.eventBus().request(OFFERS,
            JobOfferBuilder.offer(70, live).isolate(true).build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000)));

        assertThat(announcements.get(0).isolation()).isEqualTo("virt");
        assertThat(OfferReply.fromJson(answer.body()).accepted()).isTrue();
        BuildEvent end = awaitEnd(70);
        String running = get("/log/70").body().lines().filter(l -> l.contains("running: ") && l.contains("livemedia-creator"))
            .findFirst().orElseThrow();
        // The kickstart goes to anaconda inside the VM booted from the installer ISO, never to the host.
        assertThat(running).contains("--iso " + bootIso).doesNotContain("--no-virt");
        assertThat(end.kind()).as("%s", end).isEqualTo(Kind.SUCCEEDED);
    }

    @Test
    void aCanceledBuildStopsTheToolAndItsChildStagesTheLogAndEndsCanceled() throws Exception {
        startWorker(standIns(Map.of("livemedia-creator", controlled("livemedia-creator", "FBS_STANDIN_SLEEP=60"))),
            Duration.ofHours(6), 3);
        assertThat(offer(71, liveSpec(liveKickstart())).accepted()).isTrue();
        long[] pids = toolAndChild(71);
        ProcessHandle tool = ProcessHandle.of(pids[0]).orElseThrow();
        ProcessHandle child = ProcessHandle.of(pids[1]).orElseThrow();

        Message<JsonObject> answer = await(vertx.eventBus().request(Addresses.cancel("w-test"),
            new CancelRequest(71).toJson()));

        assertThat(answer.body().getBoolean("stopping")).isTrue();
        BuildEvent end = awaitEnd(71);
        assertThat(end.kind()).isEqualTo(Kind.CANCELED);
        assertThat(end.reason()).isEqualTo("canceled on request");
        assertThat(tool.isAlive()).as("the tool").isFalse();
        assertThat(child.onExit()).as("its child").succeedsWithin(Duration.ofSeconds(5));
        assertThat(end.artifacts()).extracting(Artifact::name).containsExactly("build-71.log");
        assertThat(Files.readString(staging.resolve("Fedora-x86_64-41-71/build-71.log")))
            .contains("stand-in child process " + pids[1], "build 71 canceled on request");
        assertThat(workDir.resolve("builds/71-attempt-1")).doesNotExist();
        assertThat(workDir.resolve("failed/71")).doesNotExist();
        // A cancel for a build the worker does not run is answered, and changes nothing.
        assertThat(await(vertx.eventBus().<JsonObject>request(Addresses.cancel("w-test"),
            new CancelRequest(71).toJson())).body().getBoolean("stopping")).isFalse();
    }

    @Test
    void aBuildPastItsTimeoutIsStoppedWithItsChildAndFailsSayingSoAndItsWorkDirIsKept() throws Exception {
        // The child starts after the first of eight progress steps (5 s each); the timeout comes within the second.
        startWorker(standIns(Map.of("livemedia-creator", controlled("livemedia-creator", "FBS_STANDIN_SLEEP=40"))),
            Duration.ofSeconds(10), 3);
        assertThat(offer(72, liveSpec(liveKickstart())).accepted()).isTrue();
        long[] pids = toolAndChild(72);

        BuildEvent end = awaitEnd(72);

        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).isEqualTo("the build ran longer than worker.build-timeout (10s) and was stopped");
        assertThat(ProcessHandle.of(pids[0]).filter(ProcessHandle::isAlive)).as("the tool").isEmpty();
        ProcessHandle.of(pids[1]).ifPresent(child -> assertThat(child.onExit()).as("its child")
            .succeedsWithin(Duration.ofSeconds(5)));
        assertThat(workDir.resolve("failed/72/live.ks")).isRegularFile();
    }

    @Test
    void aToolsNonZeroExitFailsWithStatusAndLastLinesAndOnlyTheNewestFailedWorkDirsAreKept() throws Exception {
        startWorker(standIns(Map.of("livemedia-creator", controlled("livemedia-creator", "FBS_STANDIN_FAIL=1"))),
            Duration.ofHours(6), 2);

        for (long id = 81; id <= 83; id++) {
            assertThat(offer(id, liveSpec(liveKickstart())).accepted()).isTrue();
            BuildEvent end = awaitEnd(id);
            assertThat(end.kind()).isEqualTo(Kind.FAILED);
            assertThat(end.reason()).startsWith("livemedia-creator exited with status 1; its last lines:\n")
                .contains("Running anaconda", "ERROR: stand-in told to fail");
        }

        try (Stream<Path> kept = Files.list(workDir.resolve("failed"))) {
            assertThat(kept.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("82", "83");
        }
        assertThat(staging).isEmptyDirectory();
    }

    /** The pids of the running stand-in and of its child, read from the build's live log. */
    private long[] toolAndChild(long build) throws Exception {
        long[] child = new long[1];
        until("the stand-in's child to start", () -> {
            try {
                Matcher m = CHILD.matcher(get("/log/" + build).body());
                child[0] = m.find() ? Long.parseLong(m.group(1)) : 0;
                return child[0] > 0;
            } catch (Exception e) {
                return false;
            }
        });
        ProcessHandle handle = ProcessHandle.of(child[0]).orElseThrow();
        assertThat(handle.isAlive()).isTrue();
        return new long[] {handle.parent().orElseThrow().pid(), child[0]};
    }

    private static String uname() throws IOException {
        return new String(new ProcessBuilder("uname", "-m").start().getInputStream().readAllBytes(),
            StandardCharsets.UTF_8).strip();
    }

    // ---- the worker ---------------------------------------------------------------------------------------------

    // ---- free disk (worker.min-free-disk), on a small tmpfs this test mounts ---------------------------------------

    @Test
    void aWorkerLowOnDiskDeclinesOffersSaysWhyInItsAnnouncementAndTakesBuildsOnceThereIsRoomAgain() throws Exception {
        Path disk = smallDisk("4m");
        startWorkerOn(disk.resolve("work"), Map.of("lorax", STANDIN_LORAX.toString()), 2L << 20);
        Path filler = disk.resolve("filler");
        Files.write(filler, new byte[3 << 20]);

        OfferReply reply = offer(80);

        assertThat(reply.accepted()).as("declined: %s", reply).isFalse();
        assertThat(reply.reason()).startsWith("worker w-test has only ")
            .contains(" free on " + disk.resolve("work"), "(worker.min-free-disk: 2.0 MiB)");
        assertThat(eventsOf(80)).isEmpty();
        until("an announcement that it declines", () -> last().declining() != null);
        WorkerStatus low = last();
        assertThat(low.declining()).startsWith("only ").contains("worker.min-free-disk");
        assertThat(low.freeDiskBytes()).isBetween(0L, 2L << 20);
        assertThat(low.free()).as("no free slot while declining").isZero();
        assertThat(low.toJson().getString("declining")).isEqualTo(low.declining());
        assertThat(low.toJson().getLong("freeDiskBytes")).isEqualTo(low.freeDiskBytes());

        Files.delete(filler);
        until("an announcement that it takes builds again", () -> last().declining() == null);
        assertThat(last().freeDiskBytes()).isGreaterThan(2L << 20);
        assertThat(last().load()).as("the host's load average").isGreaterThanOrEqualTo(0.0);
        assertThat(offer(81).accepted()).isTrue();
        assertThat(awaitEnd(81).kind()).isEqualTo(Kind.SUCCEEDED);
    }

    @Test
    void aBuildThatFillsTheDiskFailsSayingSoAndItsWorkDirIsRemovedToFreeIt() throws Exception {
        Path disk = smallDisk("3m");
        Path work = disk.resolve("work");
        // Writes beside its output dir until the disk is full, as a lorax filling its tmp dir would.
        Path filling = wrapper("lorax-filling", "for a in \"$@\"; do out=\"$a\"; done\n"
            + "echo 'writing the install tree'\n"
            + "head -c 50000000 /dev/zero > \"$out.tree\" || { echo 'error: could not write the tree' >&2; exit 1; }\n");
        startWorkerOn(work, Map.of("lorax", filling.toString()), 0);

        assertThat(offer(82).accepted()).isTrue();

        BuildEvent end = awaitEnd(82);
        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).startsWith("the worker ran out of disk space (")
            .contains(" free of 3.0 MiB on " + work, "; lorax exited with status 1")
            .doesNotContain("could not write the tree");
        assertThat(work.resolve("builds/82-attempt-1")).doesNotExist();
        assertThat(work.resolve("failed/82")).as("a full disk's work dir is not kept").doesNotExist();
    }

    /** The newest announcement. */
    private WorkerStatus last() {
        return announcements.get(announcements.size() - 1);
    }

    /** Mounts a tmpfs of {@code size} (as mount's size option: 4m) for this test; skips the test when not root. */
    private Path smallDisk(String size) throws Exception {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Assumptions.assumeTrue(Integer.valueOf(0).equals(uid),
            "mounting a small tmpfs needs root (this test runs as uid " + uid + "); skipped");
        Path dir = Files.createDirectories(tmp.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "fbs-test", dir.toString())
            .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(mount.waitFor() == 0, "could not mount a tmpfs (" + said.strip() + "); skipped");
        mounted.add(dir);
        return dir;
    }

    /** Deploys the worker with its work dir at {@code work} and {@code worker.min-free-disk} at {@code minFree}. */
    private void startWorkerOn(Path work, Map<String, String> tools, long minFree) throws Exception {
        port = freePort();
        WorkerSettings settings = WorkerSettingsBuilder.worker(Files.createDirectories(work)).httpPort(port)
            .stagingRoots(staging).tools(tools).heartbeatInterval(Duration.ofMillis(200)).minFreeDisk(minFree).build();
        await(WorkerRole.deploy(vertx, settings));
        until("the worker's first announcement", () -> !announcements.isEmpty());
    }

    /** Deploys the worker with lorax at {@code lorax}, and waits for its first announcement. */
    private void startWorker(Path lorax) throws Exception {
        startWorker(Map.of("lorax", lorax.toString()), WorkerSettings.DEFAULT_BUILD_TIMEOUT,
            WorkerSettings.DEFAULT_KEEP_FAILED_WORKDIRS, KojiSettings.DEFAULTS);
    }

    private void startWorker(Path lorax, KojiSettings koji) throws Exception {
        startWorker(Map.of("lorax", lorax.toString()), WorkerSettings.DEFAULT_BUILD_TIMEOUT,
            WorkerSettings.DEFAULT_KEEP_FAILED_WORKDIRS, koji);
    }

    private void startWorker(Map<String, String> tools, Duration timeout, int keepFailed) throws Exception {
        startWorker(tools, timeout, keepFailed, KojiSettings.DEFAULTS);
    }

    /** Deploys the worker with these {@code worker.tools}, build timeout, kept failed work dirs and Koji. */
    private void startWorker(Map<String, String> tools, Duration timeout, int keepFailed, KojiSettings koji)
        throws Exception {
        port = freePort();
        WorkerSettings settings = WorkerSettingsBuilder.worker(workDir).httpPort(port).stagingRoots(staging)
            .tools(tools).koji(koji).buildTimeout(timeout).keepFailedWorkdirs(keepFailed).build();
        await(WorkerRole.deploy(vertx, settings));
        until("the worker's first announcement", () -> !announcements.isEmpty());
        assertThat(announcements.get(0).worker()).isEqualTo("w-test");
        assertThat(announcements.get(0).running()).isEmpty();
    }

    /** An executable /bin/sh script in the temp dir; it answers the worker's version probe (-V) and nothing else. */
    private Path wrapper(String name, String body) throws IOException {
        Path script = tmp.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + "if [ \"$1\" = -V ]; then echo " + name + "; exit 0; fi\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The lorax stand-in, taking {@code seconds} over its work. */
    private Path slowLorax(int seconds) throws IOException {
        return wrapper("lorax-slow-" + seconds, "export FBS_STANDIN_SLEEP=" + seconds + "\n"
            + "exec " + quoted(STANDIN_LORAX) + " \"$@\"\n");
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }

    @Test
    void eachBuildsEventsReachTheMasterInTheOrderTheyWereMadeWhileOthersRunBesideIt() throws Exception {
        // A tool that ends at once: the build's end comes on a build thread while its stage events are still being
        // queued on the worker's event loop. An end queued from that thread overtook them (about 1 build in 300 in
        // bench/dispatch.sh), and the master ended such builds without their stages.
        Path quick = wrapper("lorax-quick", "for last; do :; done\nmkdir -p \"$last/images\" && printf 'quick\\n' > "
            + "\"$last/images/boot.iso\"\n");
        port = freePort();
        await(WorkerRole.deploy(vertx, WorkerSettingsBuilder.worker(workDir).httpPort(port).stagingRoots(staging)
            .tools(Map.of("lorax", quick.toString())).slots(12).build()));
        until("the worker's first announcement", () -> !announcements.isEmpty());

        List<Long> ids = java.util.stream.LongStream.rangeClosed(501, 512).boxed().toList();
        List<io.vertx.core.Future<Message<JsonObject>>> offers = new java.util.ArrayList<>();
        for (long id : ids) {
            JsonObject spec = SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file://"
                + staging + "\n[boot]\n").toJson();
            offers.add(vertx.eventBus().request(OFFERS, JobOfferBuilder.offer(id, spec).build().toJson(),
                new DeliveryOptions().setSendTimeout(10_000)));
        }
        await(io.vertx.core.Future.all(offers));
        for (long id : ids) {
            assertThat(awaitEnd(id).kind()).as("build " + id).isEqualTo(Kind.SUCCEEDED);
            List<BuildEvent> arrived = eventsOf(id);
            assertThat(arrived).extracting(BuildEvent::seq).as("seqs of build " + id + " as they arrived")
                .isSorted().doesNotHaveDuplicates().startsWith(1L);
            assertThat(arrived).extracting(BuildEvent::kind).as("build " + id)
                .startsWith(Kind.STAGE).endsWith(Kind.SUCCEEDED).containsOnlyOnce(Kind.SUCCEEDED);
            assertThat(arrived).extracting(BuildEvent::stage).contains("image", "staging");
        }
    }

    @Test
    void aProxyPasswordNeverReachesTheBuildLog() throws Exception {
        startWorker(STANDIN_LORAX);

        assertThat(offer(41, staging, "proxy=http://qa:hunter2@proxy.example.org:3128\n").accepted()).isTrue();

        assertThat(awaitEnd(41).kind()).isEqualTo(Kind.SUCCEEDED);
        String log = http.send(request("/log/41"), HttpResponse.BodyHandlers.ofString()).body();
        // Both our command line and the stand-in's echo of its options carry the proxy.
        assertThat(log).contains("--proxy http://qa:***@proxy.example.org:3128").doesNotContain("hunter2");
    }

    @Test
    void aStoppingWorkerLeavesNoToolOrChildOfItRunning() throws Exception {
        Path pids = tmp.resolve("pids");
        startWorker(wrapper("lorax-with-child", "sleep 300 &\n"
            + "echo $! > " + quoted(pids) + ".child\n"
            + "echo $$ > " + quoted(pids) + ".tool\n"
            + "wait\n"));
        assertThat(offer(51).accepted()).isTrue();
        Path childPid = Path.of(pids + ".child");
        Path toolPid = Path.of(pids + ".tool");
        until("the tool and its child to start", () -> pid(toolPid) > 0 && pid(childPid) > 0);
        long tool = pid(toolPid);
        long child = pid(childPid);
        assertThat(ProcessHandle.of(child)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        await(vertx.close());

        assertThat(ProcessHandle.of(tool).filter(ProcessHandle::isAlive)).as("the tool").isEmpty();
        assertThat(ProcessHandle.of(child).filter(ProcessHandle::isAlive)).as("its child").isEmpty();
    }

    @Test
    void whatAToolLeavesRunningIsStoppedAndDoesNotHoldTheBuild() throws Exception {
        Path pid = tmp.resolve("leftover.pid");
        // The background sleep keeps the tool's output open after the tool has ended, as a stray daemon would.
        startWorker(wrapper("lorax-leaves-a-daemon", "export FBS_STANDIN_SLEEP=2\n"
            + "sleep 300 &\n"
            + "echo $! > " + quoted(pid) + "\n"
            + "exec " + quoted(STANDIN_LORAX) + " \"$@\"\n"));

        assertThat(offer(52).accepted()).isTrue();

        assertThat(awaitEnd(52).kind()).isEqualTo(Kind.SUCCEEDED);
        assertThat(ProcessHandle.of(pid(pid)).filter(ProcessHandle::isAlive)).as("the leftover sleep").isEmpty();
        assertThat(get("/log/52").body()).contains("stopping 1 process(es) that lorax-leaves-a-daemon left running");
    }

    /** The pid written in {@code file}, or 0 while it is not there yet. */
    private static long pid(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    // ---- the master's side --------------------------------------------------------------------------------------

    /** Offers build {@code id} (staging into the allowed staging folder) and returns the worker's answer. */
    private OfferReply offer(long id) throws Exception {
        return offer(id, staging);
    }

    private OfferReply offer(long id, Path stagingDir) throws Exception {
        return offer(id, stagingDir, "");
    }

    private OfferReply offer(long id, Path stagingDir, String bootSection) throws Exception {
        JsonObject spec = SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file://"
            + stagingDir + "\n[boot]\n" + bootSection).toJson();
        Message<JsonObject> reply = await(vertx.eventBus().request(OFFERS,
            JobOfferBuilder.offer(id, spec).build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000)));
        return OfferReply.fromJson(reply.body());
    }

    /** Offers build {@code id} of a spec given as JSON (canonicalized by the parser, as the master does). */
    private OfferReply offer(long id, JsonObject spec) throws Exception {
        Message<JsonObject> reply = await(vertx.eventBus().request(OFFERS,
            JobOfferBuilder.offer(id, SpecParser.fromJson(spec).toJson()).build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000)));
        return OfferReply.fromJson(reply.body());
    }

    private List<BuildEvent> eventsOf(long build) {
        return events.stream().filter(e -> e.buildId() == build).toList();
    }

    /** Waits until {@code n} events of {@code build} have been acknowledged, and returns them in order. */
    private List<BuildEvent> awaitEvents(long build, int n) throws InterruptedException {
        until(n + " events of build " + build + " (so far " + eventsOf(build) + ")", () -> eventsOf(build).size() >= n);
        return eventsOf(build);
    }

    /** Waits for the SUCCEEDED, FAILED or CANCELED event of {@code build}, and returns it. */
    private BuildEvent awaitEnd(long build) throws InterruptedException {
        until("the end of build " + build, () -> eventsOf(build).stream().anyMatch(e -> e.kind() != Kind.STAGE));
        return eventsOf(build).stream().filter(e -> e.kind() != Kind.STAGE).findFirst().orElseThrow();
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    /** A GET of {@code path} (/log/ID or /artifacts/ID/FILE, maybe with a query) with the link the master would sign. */
    private HttpRequest request(String path) {
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        long build = Long.parseLong(bare.split("/")[2]);
        String signed = bare + "?" + LinkSigner.perProcess().linkQuery(build, bare,
            java.time.Instant.now().plusSeconds(120)) + (q < 0 ? "" : "&" + path.substring(q + 1));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + signed))
            .timeout(Duration.ofSeconds(60)).GET().build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The rest of a response body, which must end by itself within {@code limit}. */
    private static String readToEnd(InputStream body, Duration limit) throws Exception {
        try (body) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(body.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(limit.toSeconds(), TimeUnit.SECONDS);
        }
    }

    // ---- small helpers ------------------------------------------------------------------------------------------

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The standard identifier of the first volume descriptor (bytes 32769-32773): "CD001" in an ISO 9660 image. */
    private static String isoVolumeDescriptor(Path iso) throws IOException {
        byte[] bytes = Files.readAllBytes(iso);
        return bytes.length < 32774 ? "" : new String(Arrays.copyOfRange(bytes, 32769, 32774), StandardCharsets.US_ASCII);
    }

    /** The files this JVM has open (Linux: the targets of /proc/self/fd). */
    private static Stream<Path> openFilesOfThisProcess() {
        List<Path> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    open.add(Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return open.stream();
    }
}
