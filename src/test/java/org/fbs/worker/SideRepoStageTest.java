package org.fbs.worker;

import static org.fbs.testkit.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.fbs.testkit.WorkerSettingsBuilder;
import org.fbs.build.ExtraPackage;
import org.fbs.config.KojiSettings;
import org.fbs.config.WorkerSettings;
import org.fbs.protocol.BuildEvent;
import org.fbs.koji.KojiException;
import org.fbs.koji.LocalKoji;
import org.fbs.koji.TestRpms;
import org.fbs.koji.TestRpms.Package;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.KojiPackages;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The side-repo stage against real parts: RPMs made by rpmbuild, served by a local Koji stand-in (an XML-RPC hub
 * answering as Koji's does, and a kojipkgs-shaped package tree, one build on another volume), and real
 * createrepo_c. Only lorax is a stand-in (src/test/standins/lorax: it checks that a file:// repository has
 * repodata/repomd.xml, as lorax's dnf does).
 */
class SideRepoStageTest {

    private static final Path STANDIN_LORAX = Path.of("src/test/standins/lorax").toAbsolutePath();
    private static final int COMPLETE = 1;
    private static final int FAILED = 3;

    @TempDir
    static Path shared;
    private static LocalKoji koji;
    private static LocalKoji.Build hello;
    private static LocalKoji.Build short1;

    @TempDir
    Path tmp;
    private Vertx vertx;
    private WorkerSettings settings;
    private final List<BuildLog> logs = new ArrayList<>();

    @BeforeAll
    static void publishBuilds() throws Exception {
        koji = LocalKoji.start(shared.resolve("kojipkgs"));
        Path rpms = shared.resolve("rpms");
        List<Path> helloRpms = new ArrayList<>(TestRpms.build(rpms, "hello", "1.0", "1.fc41", "x86_64", List.of(
            new Package("", false, 20_000),
            new Package("data", true, 30_000),
            new Package("debuginfo", false, 5_000),
            new Package("debugsource", false, 5_000))));
        // The same build's aarch64 package: Koji lists it, and the worker for x86_64 must not take it.
        TestRpms.build(rpms, "hello", "1.0", "1.fc41", "aarch64", List.of(new Package("", false, 20_000))).stream()
            .filter(p -> p.toString().endsWith(".aarch64.rpm"))
            .forEach(helloRpms::add);
        hello = koji.add(101, "hello", "1.0", "1.fc41", COMPLETE, "DEFAULT", helloRpms);
        koji.add(202, "extra", "2.3", "4.fc41", COMPLETE, "fedora_koji_archive02",
            TestRpms.build(rpms, "extra", "2.3", "4.fc41", "x86_64", List.of(new Package("", false, 10_000))));
        koji.add(303, "broken", "1", "1.fc41", FAILED, "DEFAULT",
            TestRpms.build(rpms, "broken", "1", "1.fc41", "x86_64", List.of(new Package("", false, 1_000))));
        LocalKoji.Build gone = koji.add(404, "gone", "1", "1.fc41", COMPLETE, "DEFAULT",
            TestRpms.build(rpms, "gone", "1", "1.fc41", "x86_64", List.of(new Package("", false, 1_000))));
        Files.delete(koji.served(gone, "gone-1-1.fc41.x86_64"));
        short1 = koji.add(505, "short", "1", "1.fc41", COMPLETE, "DEFAULT",
            TestRpms.build(rpms, "short", "1", "1.fc41", "x86_64", List.of(new Package("", false, 50_000))));
        Path served = koji.served(short1, "short-1-1.fc41.x86_64");
        byte[] whole = Files.readAllBytes(served);
        Files.write(served, Arrays.copyOf(whole, whole.length / 2)); // the server sends half, every time
    }

    @AfterAll
    static void stopKoji() {
        koji.close();
    }

    @BeforeEach
    void worker() {
        vertx = Vertx.vertx();
        settings = settings(new KojiSettings(koji.hub(), koji.topurl(), 4, 1L << 30));
    }

    @AfterEach
    void close() throws Exception {
        for (BuildLog log : logs) {
            log.close();
        }
        vertx.close().await();
    }

    @Test
    void theRequestedBuildsBecomeARepositoryOfTheirArchAndNoarchPackagesWithoutDebugPackages() throws Exception {
        BuildLog log = log(1);
        SideRepoStage stage = new SideRepoStage(settings, new RunningTools());

        SideRepoStage.SideRepo repo = stage.build(spec(List.of("hello-1.0-1.fc41"), List.of(202L)),
            Files.createDirectories(tmp.resolve("build-1")), log);

        List<String> expected = List.of("hello-1.0-1.fc41.x86_64", "hello-data-1.0-1.fc41.noarch",
            "extra-2.3-4.fc41.x86_64");
        assertThat(repo.packages()).extracting(ExtraPackage::nvra).containsExactlyInAnyOrderElementsOf(expected);
        for (ExtraPackage p : repo.packages()) {
            assertThat(p.size()).isEqualTo(Files.size(repo.dir().resolve(p.nvra() + ".rpm")));
        }
        assertThat(rpmFiles(repo.dir())).containsExactlyInAnyOrderElementsOf(
            expected.stream().map(n -> n + ".rpm").toList());
        assertThat(primaryPackages(repo.dir())).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(koji.calls()).contains("listRPMs[{buildID=101, arches=[x86_64, noarch], __starstar=true}]");
        // extra-2.3-4.fc41 lives on the volume fedora_koji_archive02: only its vol/ URL finds it.
        assertThat(text(log)).contains("downloaded extra-2.3-4.fc41.x86_64 (")
            .contains("running: createrepo_c " + repo.dir());
    }

    @Test
    void aSecondBuildWithTheSameBuildsDownloadsNothingAndSaysItUsedTheCache() throws Exception {
        SideRepoStage stage = new SideRepoStage(settings, new RunningTools());
        stage.build(spec(List.of("hello-1.0-1.fc41"), List.of(202L)), Files.createDirectories(tmp.resolve("b1")),
            log(1));
        int downloadsBefore = koji.totalDownloads();

        BuildLog second = log(2);
        SideRepoStage.SideRepo repo = stage.build(spec(List.of("hello-1.0-1.fc41"), List.of(202L)),
            Files.createDirectories(tmp.resolve("b2")), second);

        assertThat(koji.totalDownloads()).isEqualTo(downloadsBefore);
        assertThat(text(second)).contains("cache hit: hello-1.0-1.fc41.x86_64", "cache hit: extra-2.3-4.fc41.x86_64",
            "3 package(s) for x86_64: 3 from the cache, 0 to download");
        assertThat(primaryPackages(repo.dir())).containsExactlyInAnyOrder("hello-1.0-1.fc41.x86_64",
            "hello-data-1.0-1.fc41.noarch", "extra-2.3-4.fc41.x86_64");
    }

    @Test
    void aSpecWithoutExtraPackagesGetsNoSideRepository() throws Exception {
        BuildLog log = log(1);
        int callsBefore = koji.calls().size();

        assertThat(new SideRepoStage(settings, new RunningTools()).build(spec(List.of(), List.of()), tmp, log))
            .isNull();
        assertThat(text(log)).contains("no extra packages requested");
        assertThat(koji.calls()).as("Koji is not asked").hasSize(callsBefore);
        assertThat(tmp.resolve("side-repo")).doesNotExist();
    }

    @Test
    void aBuildWithExtraPackagesHandsTheSideRepoToLoraxAndReportsThePackages() throws Exception {
        BuildLog log = log(11);

        BuildRunner.Outcome outcome = new BuildRunner(settings, ToolProbe.probe(settings)).run(11, spec(List.of("hello-1.0-1.fc41"), List.of()),
            log, stage -> { });

        assertThat(outcome).as(outcome.reason()).isInstanceOf(BuildRunner.Outcome.Succeeded.class);
        assertThat(((BuildRunner.Outcome.Succeeded) outcome).extraPackages()).extracting(ExtraPackage::nvra)
            .containsExactlyInAnyOrder("hello-1.0-1.fc41.x86_64", "hello-data-1.0-1.fc41.noarch");
        Path side = settings.workDir().resolve("builds/11-attempt-1/side-repo");
        // The stand-in opened it as lorax would: a file:// repository with repodata/repomd.xml.
        assertThat(text(log)).contains(" -s file://" + side + " ").contains("Added 'lorax-repo-1': file://" + side);
    }

    @Test
    void anUnknownNvrFailsTheBuildNamingIt() throws Exception {
        assertFailure(spec(List.of("nosuch-1-1.fc41"), List.of()), "Koji build nosuch-1-1.fc41 does not exist");
    }

    @Test
    void anUnknownBuildIdFailsTheBuildNamingIt() throws Exception {
        assertFailure(spec(List.of(), List.of(999_999L)), "Koji build id 999999 does not exist");
    }

    @Test
    void aFailedKojiBuildFailsTheBuildNamingItAndItsState() throws Exception {
        assertFailure(spec(List.of("broken-1-1.fc41"), List.of()),
            "Koji build broken-1-1.fc41 (broken-1-1.fc41) is FAILED, not COMPLETE");
    }

    @Test
    void aPackageTheServerDoesNotHaveFailsTheBuildNamingIt() throws Exception {
        int before = koji.downloads("gone-1-1.fc41.x86_64");
        String reason = assertFailure(spec(List.of("hello-1.0-1.fc41", "gone-1-1.fc41"), List.of()),
            "gone-1-1.fc41.x86_64 is not on the package server: HTTP 404 for " + koji.topurl()
                + "packages/gone/1/1.fc41/x86_64/gone-1-1.fc41.x86_64.rpm");
        assertThat(reason).doesNotContain("hello");
        assertThat(koji.downloads("gone-1-1.fc41.x86_64") - before).as("two runs, one GET each: a 404 is not retried")
            .isEqualTo(2);
        assertNothingHalfWritten();
    }

    @Test
    void anUnreachableHubFailsTheBuildSayingWhichHub() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + freePort() + "/kojihub");
        settings = settings(new KojiSettings(closed, koji.topurl(), 4, 1L << 30));

        BuildRunner.Outcome outcome = new BuildRunner(settings, ToolProbe.probe(settings)).run(51, spec(List.of("hello-1.0-1.fc41"), List.of()),
            log(51), stage -> { });

        assertThat(outcome.kind()).isEqualTo(BuildEvent.Kind.FAILED);
        assertThat(outcome.reason()).startsWith("cannot reach the Koji hub " + closed + ": ");
    }

    @Test
    void aPasswordInTheKojiUrlsNeverReachesTheReasonOrTheLog() throws Exception {
        URI topurl = URI.create(koji.topurl().toString().replace("http://", "http://fbs:s3cret@"));
        settings = settings(new KojiSettings(koji.hub(), topurl, 4, 1L << 30));
        BuildLog log = log(41);

        BuildRunner.Outcome outcome = new BuildRunner(settings, ToolProbe.probe(settings)).run(41, spec(List.of("gone-1-1.fc41"), List.of()),
            log, stage -> { });

        assertThat(outcome.reason()).startsWith("gone-1-1.fc41.x86_64 is not on the package server: HTTP 404 for "
            + "http://fbs:***@").doesNotContain("s3cret");
        assertThat(text(log)).contains("http://fbs:***@").doesNotContain("s3cret");
    }

    @Test
    void aTruncatedDownloadIsRetriedThenFailsTheBuildNamingThePackageAndLeavesNothingBehind() throws Exception {
        int before = koji.downloads("short-1-1.fc41.x86_64");
        long listed = short1.rpms().get(0).size();

        BuildLog log = log(21);
        BuildRunner.Outcome outcome = new BuildRunner(settings, ToolProbe.probe(settings)).run(21, spec(List.of("short-1-1.fc41"), List.of()),
            log, stage -> { });

        assertThat(outcome.kind()).isEqualTo(BuildEvent.Kind.FAILED);
        assertThat(outcome.reason()).startsWith("could not download short-1-1.fc41.x86_64 from ")
            .endsWith(" in 3 attempts: got " + listed / 2 + " bytes where Koji lists " + listed);
        assertThat(koji.downloads("short-1-1.fc41.x86_64") - before).isEqualTo(3);
        assertThat(text(log)).contains("download of short-1-1.fc41.x86_64 failed (got " + listed / 2
            + " bytes where Koji lists " + listed + "), attempt 1 of 3; retrying in 1000 ms");
        assertNothingHalfWritten();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private String assertFailure(BuildSpec spec, String expected) throws Exception {
        BuildLog log = log(31);
        BuildRunner.Outcome outcome = new BuildRunner(settings, ToolProbe.probe(settings)).run(31, spec, log, stage -> { });

        // A failure: no artifacts, and no extra packages to report (only a success carries them).
        assertThat(outcome).isEqualTo(new BuildRunner.Outcome.Failed(expected));
        assertThat(text(log)).contains("build failed: " + expected).doesNotContain("running: " + STANDIN_LORAX);
        // The SideRepoStage alone says the same.
        assertThatThrownBy(() -> new SideRepoStage(settings, new RunningTools())
            .build(spec, Files.createDirectories(tmp.resolve("again")), log(32)))
            .isInstanceOf(KojiException.class).hasMessage(expected);
        return outcome.reason();
    }

    /** The cache holds only whole files; no temp file is left; no build dir remains. */
    private void assertNothingHalfWritten() throws IOException {
        Path cache = settings.workDir().resolve("koji-cache");
        if (Files.isDirectory(cache)) {
            try (Stream<Path> files = Files.list(cache)) {
                List<String> names = files.map(f -> f.getFileName().toString()).toList();
                assertThat(names).noneMatch(n -> n.endsWith(".part")).noneMatch(n -> n.startsWith("short-"))
                    .noneMatch(n -> n.startsWith("gone-"));
            }
        }
    }


    private BuildSpec spec(List<String> nvrs, List<Long> ids) throws Exception {
        BuildSpec base = SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n");
        return new BuildSpec(base.type(), base.arch(), base.release(), base.staging(), base.email(),
            new KojiPackages(nvrs, ids), base.boot(), base.dvd(), base.live());
    }

    private BuildLog log(long id) throws IOException {
        BuildLog log = BuildLog.open(tmp.resolve("logs"), id, vertx.eventBus(), new LiveLogs(),
            org.fbs.config.WorkerSettings.DEFAULT_MAX_LOG_LINE);
        logs.add(log);
        return log;
    }

    private static String text(BuildLog log) throws IOException {
        return Files.readString(log.file(), StandardCharsets.UTF_8);
    }

    private static List<String> rpmFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".rpm")).toList();
        }
    }

    /** The packages createrepo_c's primary.xml lists, as NAME-VERSION-RELEASE.ARCH. */
    static List<String> primaryPackages(Path repo) throws Exception {
        Document repomd = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(repo.resolve("repodata/repomd.xml").toFile());
        String href = null;
        NodeList data = repomd.getElementsByTagName("data");
        for (int i = 0; i < data.getLength(); i++) {
            Element e = (Element) data.item(i);
            if (e.getAttribute("type").equals("primary")) {
                href = ((Element) e.getElementsByTagName("location").item(0)).getAttribute("href");
            }
        }
        assertThat(href).as("primary in repomd.xml").isNotNull().endsWith(".xml.gz");
        Document primary;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(repo.resolve(href)))) {
            primary = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        List<String> out = new ArrayList<>();
        NodeList packages = primary.getElementsByTagName("package");
        for (int i = 0; i < packages.getLength(); i++) {
            Element p = (Element) packages.item(i);
            Element version = (Element) p.getElementsByTagName("version").item(0);
            out.add(p.getElementsByTagName("name").item(0).getTextContent() + "-" + version.getAttribute("ver") + "-"
                + version.getAttribute("rel") + "." + p.getElementsByTagName("arch").item(0).getTextContent());
        }
        return out;
    }

    private WorkerSettings settings(KojiSettings koji) {
        return WorkerSettingsBuilder.worker(tmp.resolve("work")).stagingRoots(tmp)
            .tools(Map.of("lorax", STANDIN_LORAX.toString())).koji(koji).build();
    }
}
