package org.fbs.worker;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.JobOfferBuilder;
import org.fbs.testkit.WorkerSettingsBuilder;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.config.AllowedHosts;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.WorkerSettings;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.BuildEvent.Kind;
import org.fbs.protocol.OfferReply;
import org.fbs.spec.SpecParser;
import org.fbs.staging.EmbeddedFtpServer;
import org.fbs.staging.KeptArtifacts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real worker staging its results on itself (served at /artifacts) and over FTP (a real Apache FtpServer),
 * with this test playing the master on the event bus. lorax is the test stand-in, which writes a real ISO.
 */
class WorkerStagingTest {

    /** A stand-in build with staging takes seconds; on a loaded machine much longer. */
    private static final java.time.Duration BUILD_PATIENCE = java.time.Duration.ofSeconds(60);

    private static final Path STANDIN_LORAX = Path.of("src/test/standins/lorax").toAbsolutePath();
    private static final String OFFERS = Addresses.build("x86_64", "41");

    @TempDir
    Path tmp;

    private Path workDir;
    private Vertx vertx;
    private int port;
    private EmbeddedFtpServer ftp;
    private final List<BuildEvent> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws Exception {
        workDir = Files.createDirectories(tmp.resolve("work"));
        vertx = Vertx.vertx();
        await(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, msg -> {
            events.add(BuildEvent.fromJson(msg.body()));
            msg.reply(new JsonObject());
        }).completion());
        port = freePort();
        // The test's FTP server is on loopback: an internal address, which the operator must allow.
        WorkerSettings settings = WorkerSettingsBuilder.worker(workDir).httpPort(port).stagingRoots(tmp)
            .tools(Map.of("lorax", STANDIN_LORAX.toString()))
            .ftpAllowedHosts(AllowedHosts.parse("worker.ftp.allowed-hosts", List.of("127.0.0.1"))).build();
        await(WorkerRole.deploy(vertx, settings));
        ftp = new EmbeddedFtpServer(Files.createDirectories(tmp.resolve("ftp")));
    }

    @AfterEach
    void stop() throws Exception {
        ftp.close();
        await(vertx.close());
    }

    @Test
    void resultsKeptOnTheWorkerAreServedAndADownloadResumedWithRangeHasTheRecordedSha256() throws Exception {
        BuildEvent end = build(7, "");

        assertThat(end.kind()).as("%s", end).isEqualTo(Kind.SUCCEEDED);
        assertThat(end.artifacts()).extracting(Artifact::name).containsExactly("boot.iso", "CHECKSUM", "build-7.log");
        Artifact iso = end.artifacts().get(0);
        assertThat(iso.location()).isEqualTo("http://127.0.0.1:" + port + "/artifacts/7/boot.iso");

        // A download that stopped after 1000 bytes, then resumed from there.
        HttpResponse<byte[]> first = get("/artifacts/7/boot.iso", "bytes=0-999");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.body()).hasSize(1000);
        HttpResponse<byte[]> rest = get("/artifacts/7/boot.iso", "bytes=1000-");
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.headers().firstValue("Content-Range")).hasValue("bytes 1000-" + (iso.size() - 1) + "/"
            + iso.size());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(first.body());
        sha.update(rest.body());
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(iso.sha256());

        HttpResponse<byte[]> whole = get("/artifacts/7/boot.iso", null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    }

    @Test
    void theStagedLogEndsWithTheBuildsOutcome() throws Exception {
        BuildEvent end = build(8, "");

        String staged = new String(get("/artifacts/8/build-8.log", null).body());
        assertThat(staged).contains("staged boot.iso (").contains("build 8 succeeded");
        assertThat(staged.strip()).endsWith("build 8 succeeded");
        assertThat(end.logTail()).last().asString().startsWith("staged build-8.log");
    }

    @Test
    void onlyFilesABuildRecordedAreServedAndPathTricksGetA404() throws Exception {
        assertThat(build(9, "")).extracting(BuildEvent::kind).as("build 9").isEqualTo(Kind.SUCCEEDED);
        Files.writeString(workDir.resolve("artifacts/9/extra.txt"), "not recorded");
        Files.writeString(workDir.resolve("secret.txt"), "secret");

        for (String path : List.of("/artifacts/9/extra.txt", "/artifacts/9/.record.json", "/artifacts/9/",
            "/artifacts/9/..%2F..%2Fsecret.txt", "/artifacts/9/../../secret.txt", "/artifacts/x/boot.iso",
            "/artifacts/10/boot.iso", "/artifacts/9/boot.iso/", "/artifacts/-9/boot.iso",
            "/artifacts/9/%2e%2e%2fsecret.txt",
            "/artifacts/9/%2e%2e/%2e%2e/secret.txt")) {
            HttpResponse<byte[]> response = get(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(response.body())).as(path).doesNotContain("secret", "not recorded");
        }
    }

    @Test
    void keptFilesOlderThanTheRetentionAreRemovedAndNoLongerServed() throws Exception {
        build(10, "");
        build(11, "");
        Path oldRecord = workDir.resolve("artifacts/10/.record.json");
        Files.setLastModifiedTime(oldRecord, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        Path unfinished = Files.createDirectories(workDir.resolve("artifacts/12"));
        Files.writeString(unfinished.resolve(".boot.iso.partial"), "left by a worker that stopped mid-staging");
        Files.setLastModifiedTime(unfinished, FileTime.from(Instant.now().minus(Duration.ofDays(8))));

        List<Long> removed = new KeptArtifacts(workDir.resolve("artifacts")).removeOlderThan(Duration.ofDays(7),
            Instant.now());

        assertThat(removed).containsExactlyInAnyOrder(10L, 12L);
        assertThat(unfinished).doesNotExist();
        assertThat(workDir.resolve("artifacts/10")).doesNotExist();
        assertThat(get("/artifacts/10/boot.iso", null).statusCode()).isEqualTo(404);
        assertThat(get("/artifacts/11/boot.iso", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theSweeperRemovesKeptFilesOnceTheRetentionHasPassed() throws Exception {
        build(14, "");
        assertThat(get("/artifacts/14/boot.iso", null).statusCode()).isEqualTo(200);

        await(vertx.deployVerticle(new ArtifactSweeper(new KeptArtifacts(workDir.resolve("artifacts")),
            Duration.ofSeconds(2))));

        until("the sweep of build 14", BUILD_PATIENCE, () -> !Files.exists(workDir.resolve("artifacts/14")));
        assertThat(get("/artifacts/14/boot.iso", null).statusCode()).isEqualTo(404);
    }

    @Test
    void ftpStagingPutsEveryFileOnTheServerInTheBuildsOwnFolder() throws Exception {
        BuildEvent end = build(12, ftp.url(EmbeddedFtpServer.USER, "s3cr%40t%3Apw", "/images"));

        assertThat(end.kind()).as("%s", end).isEqualTo(Kind.SUCCEEDED);
        Path folder = ftp.root.resolve("images/Fedora-x86_64-41-12");
        assertThat(end.artifacts()).extracting(Artifact::name).containsExactly("boot.iso", "CHECKSUM", "build-12.log");
        for (Artifact a : end.artifacts()) {
            assertThat(a.sha256()).isEqualTo(sha256(folder.resolve(a.name())));
            assertThat(a.location()).isEqualTo("ftp://bob@127.0.0.1:" + ftp.port + "/images/Fedora-x86_64-41-12/"
                + a.name());
        }
        assertThat(Files.readString(folder.resolve("build-12.log"))).contains("build 12 succeeded")
            .doesNotContain("s3cr");
    }

    @Test
    void wrongFtpCredentialsFailTheBuildWithAClearReasonAndItsLogStillReachesTheMaster() throws Exception {
        BuildEvent end = build(13, ftp.url(EmbeddedFtpServer.USER, "not-the-password", "/images"));

        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).contains("refused the login of user 'bob'", "check the user and password")
            .doesNotContain("not-the-password");
        assertThat(end.logTail()).as("the log's last lines travel with the final event")
            .anyMatch(line -> line.contains("build failed: FTP server 127.0.0.1:" + ftp.port))
            .noneMatch(line -> line.contains("not-the-password"));
        assertThat(new String(get("/log/13", null).body())).contains("refused the login")
            .doesNotContain("not-the-password");
        assertThat(ftp.root).isEmptyDirectory();
    }

    @Test
    void aRetryOfABuildWhoseWorkerWasLostWhileStagingOverFtpStagesAgainIntoItsOwnFolder() throws Exception {
        String staging = ftp.url(EmbeddedFtpServer.USER, "s3cr%40t%3Apw", "/images");
        assertThat(build(15, 1, staging).kind()).isEqualTo(Kind.SUCCEEDED);
        Path folder = ftp.root.resolve("images/Fedora-x86_64-41-15");
        leaveHalfStaged(folder, "build-15.log");

        BuildEvent end = build(15, 2, staging);

        assertThat(end.kind()).as("%s", end).isEqualTo(Kind.SUCCEEDED);
        assertOnlyTheseFilesAreStaged(folder, end);
    }

    @Test
    void aRetryOfABuildWhoseWorkerWasLostWhileStagingToAFolderStagesAgainIntoItsOwnFolder() throws Exception {
        String staging = "file://" + tmp.resolve("images");
        assertThat(build(16, 1, staging).kind()).isEqualTo(Kind.SUCCEEDED);
        Path folder = tmp.resolve("images/Fedora-x86_64-41-16");
        leaveHalfStaged(folder, "build-16.log");

        BuildEvent end = build(16, 2, staging);

        assertThat(end.kind()).as("%s", end).isEqualTo(Kind.SUCCEEDED);
        assertOnlyTheseFilesAreStaged(folder, end);
    }

    @Test
    void aBuildWhoseFolderSomeoneElseMadeFailsWithTheReasonAndTheirFilesStay() throws Exception {
        Path theirs = Files.createDirectories(tmp.resolve("images/Fedora-x86_64-41-17"));
        Files.writeString(theirs.resolve("boot.iso"), "someone's own image");

        BuildEvent end = build(17, "file://" + tmp.resolve("images"));

        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).contains(theirs.toString(), "already exists and has no .fbs-build marker");
        assertThat(theirs.resolve("boot.iso")).hasContent("someone's own image");
        try (var left = Files.list(theirs)) {
            assertThat(left).containsExactly(theirs.resolve("boot.iso"));
        }
    }

    @Test
    void aFolderALocalUserPreparedWithLinksToARootFileFailsTheBuildAndNothingIsWrittenThroughThem() throws Exception {
        // A local user who may write into a staging root makes the build's folder first, with its temporary names
        // (and its marker's) leading to a file only root may write.
        Path victim = Files.writeString(Files.createDirectories(tmp.resolve("etc")).resolve("shadow"),
            "root:*:19000:0:99999:7:::\n");
        Path trap = Files.createDirectories(tmp.resolve("images/Fedora-x86_64-41-18"));
        for (String name : List.of(".boot.iso.partial", ".CHECKSUM.partial", ".build-18.log.partial",
            "..fbs-build.partial", "boot.iso")) {
            Files.createSymbolicLink(trap.resolve(name), victim);
        }

        BuildEvent end = build(18, "file://" + tmp.resolve("images"));

        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).contains("staging folder " + trap + " already exists and has no .fbs-build marker");
        assertThat(victim).hasContent("root:*:19000:0:99999:7:::\n");
        try (var left = Files.list(trap)) {
            assertThat(left).hasSize(5).allMatch(Files::isSymbolicLink);
        }
    }

    @Test
    void ftpStagingToAnInternalHostTheOperatorDidNotAllowFailsBeforeTheBuildAndNothingReachesIt() throws Exception {
        // 127.0.0.1 is allowed in this test's settings; 127.0.0.2, loopback too, is not.
        BuildEvent end = build(19, "ftp://127.0.0.2:" + ftp.port + "/images");

        assertThat(end.kind()).isEqualTo(Kind.FAILED);
        assertThat(end.reason()).contains("will not connect to FTP server 127.0.0.2: 127.0.0.2 is a loopback address"
            + " (an operator may allow it in worker.ftp.allowed-hosts)");
        assertThat(ftp.commands).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /**
     * Makes {@code folder}, which a finished attempt staged, look like one whose worker was killed mid-staging: its
     * last file half there under its temporary name, an image of that attempt still in place, one more stray file.
     */
    private static void leaveHalfStaged(Path folder, String last) throws Exception {
        assertThat(folder.resolve(".fbs-build")).exists();
        Files.move(folder.resolve(last), folder.resolve("." + last + ".partial"));
        Files.writeString(folder.resolve("." + last + ".partial"), "cut short", StandardOpenOption.APPEND);
        Files.writeString(folder.resolve("boot.iso"), "the lost attempt's image");
        Files.writeString(folder.resolve("stray.iso"), "from the lost attempt");
    }

    /** The folder holds the marker and exactly the files of {@code end}, each with its recorded SHA-256. */
    private static void assertOnlyTheseFilesAreStaged(Path folder, BuildEvent end) throws Exception {
        assertThat(end.artifacts()).extracting(Artifact::name).doesNotContain(".fbs-build");
        try (var names = Files.list(folder)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(
                Stream.concat(Stream.of(".fbs-build"),
                    end.artifacts().stream().map(Artifact::name)).toList());
        }
        for (Artifact a : end.artifacts()) {
            assertThat(a.sha256()).as(a.name()).isEqualTo(sha256(folder.resolve(a.name())));
        }
        assertThat(Files.readString(folder.resolve("CHECKSUM")))
            .contains("SHA256 (boot.iso) = " + sha256(folder.resolve("boot.iso")));
    }

    /** Offers build {@code id} with {@code staging} (empty: the default, on the worker) and waits for its end. */
    private BuildEvent build(long id, String staging) throws Exception {
        return build(id, 1, staging);
    }

    /** Offers attempt {@code attempt} of build {@code id} and waits for that attempt's end. */
    private BuildEvent build(long id, int attempt, String staging) throws Exception {
        String ini = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n" + (staging.isEmpty() ? "" : "staging="
            + staging + "\n");
        JsonObject spec = SpecParser.fromIni(ini).toJson();
        Message<JsonObject> reply = await(vertx.eventBus().request(OFFERS,
            JobOfferBuilder.offer(id, spec).attempt(attempt).build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000)));
        assertThat(OfferReply.fromJson(reply.body()).accepted()).isTrue();
        until("the end of attempt " + attempt + " of build " + id, BUILD_PATIENCE, () -> events.stream().anyMatch(e ->
            e.buildId() == id && e.attempt() == attempt && e.kind() != Kind.STAGE));
        return events.stream().filter(e -> e.buildId() == id && e.attempt() == attempt && e.kind() != Kind.STAGE)
            .findFirst().orElseThrow();
    }

    private HttpResponse<byte[]> get(String path, String range) throws Exception {
        // Signed as the master signs it: the worker in this JVM checks with this process's secret.
        String[] parts = path.split("/");
        long build = parts.length > 2 && parts[2].matches("[0-9]{1,18}") ? Long.parseLong(parts[2]) : 0;
        String signed = path + "?" + LinkSigner.perProcess().linkQuery(build, path, java.time.Instant.now().plusSeconds(120));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + signed))
            .timeout(Duration.ofSeconds(30));
        if (range != null) {
            request.header("Range", range);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
