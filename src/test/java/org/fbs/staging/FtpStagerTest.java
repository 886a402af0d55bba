package org.fbs.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.config.AllowedHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FtpStager against a real FTP server (Apache FtpServer) on loopback. */
class FtpStagerTest {

    private static final String FOLDER = "Fedora-x86_64-41-7";
    private static final StagingMark MARK = FileStagerTest.MARK;

    @TempDir
    Path tmp;

    private EmbeddedFtpServer ftp;
    private Path served;
    private Path iso;
    private Path checksum;
    private Path log;
    /** The test server is on loopback, which a worker reaches only when its operator allows it. */
    static final AllowedHosts LOOPBACK = AllowedHosts.parse("worker.ftp.allowed-hosts", List.of("127.0.0.1"));
    private final FtpStager stager = new FtpStager(LOOPBACK, Duration.ofSeconds(10), Duration.ofMillis(50));

    @BeforeEach
    void start() throws Exception {
        served = Files.createDirectories(tmp.resolve("served"));
        ftp = new EmbeddedFtpServer(served);
        Path in = Files.createDirectories(tmp.resolve("in"));
        iso = Files.write(in.resolve("boot.iso"), random(300_000));
        checksum = Files.writeString(in.resolve("CHECKSUM"), "SHA256 (boot.iso) = ...\n");
        log = Files.writeString(in.resolve("build-7.log"), "line one\nline two\n");
    }

    @AfterEach
    void stop() {
        ftp.close();
    }

    @Test
    void anonymousStagingPutsEveryFileUnderItsOwnNameInANewFolderInBinaryPassiveMode() throws Exception {
        List<Artifact> staged = stager.stage(ftp.url(null, null, "/pub/images"), MARK, FOLDER,
            List.of(iso, checksum, log));

        Path folder = served.resolve("pub/images").resolve(FOLDER);
        assertThat(staged).extracting(Artifact::name).containsExactly("boot.iso", "CHECKSUM", "build-7.log");
        for (Artifact a : staged) {
            Path source = tmp.resolve("in").resolve(a.name());
            assertThat(folder.resolve(a.name())).hasSameBinaryContentAs(source);
            assertThat(a.size()).isEqualTo(Files.size(source));
            assertThat(a.sha256()).isEqualTo(sha256(source));
            assertThat(a.location())
                .isEqualTo("ftp://127.0.0.1:" + ftp.port + "/pub/images/" + FOLDER + "/" + a.name());
        }
        assertThat(names(folder)).containsExactlyInAnyOrder(".fbs-build", "boot.iso", "CHECKSUM", "build-7.log");
        assertThat(ftp.commands).contains("USER anonymous", "TYPE I").anyMatch(c -> c.startsWith("PASV")
            || c.startsWith("EPSV"));
    }

    @Test
    void aUserWithAPasswordStagesAndTheRecordedLocationsNameTheUserButNeverThePassword() throws Exception {
        // The password "s3cr@t:pw" percent-encoded, as it must be inside a URL.
        String url = ftp.url(EmbeddedFtpServer.USER, "s3cr%40t%3Apw", "/upload");

        List<Artifact> staged = stager.stage(url, MARK, FOLDER, List.of(iso, log));

        assertThat(served.resolve("upload").resolve(FOLDER).resolve("boot.iso")).hasSameBinaryContentAs(iso);
        assertThat(staged).extracting(Artifact::location).allSatisfy(location -> assertThat(location)
            .startsWith("ftp://bob@127.0.0.1:" + ftp.port + "/upload/" + FOLDER + "/")
            .doesNotContain("s3cr"));
        assertThat(ftp.commands).contains("USER bob");
    }

    @Test
    void aWrongPasswordFailsTheCheckWithAReasonThatNamesTheUserAndHidesThePassword() {
        String url = ftp.url(EmbeddedFtpServer.USER, "wrong-secret", "/upload");

        assertThatThrownBy(() -> stager.check(url))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("refused the login of user 'bob'")
            .hasMessageContaining("check the user and password")
            .message().doesNotContain("wrong-secret");
        assertThatThrownBy(() -> stager.stage(url, MARK, FOLDER, List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("refused the login");
        assertThat(served).isEmptyDirectory();
    }

    @Test
    void anUploadWhoseConnectionDropsHalfwayResumesWhereItStoppedAndEndsComplete() throws Exception {
        Path big = Files.write(tmp.resolve("in/big.iso"), random(4 * 1024 * 1024));
        ftp.dropNextUploadAt(1024 * 1024);

        List<Artifact> staged = stager.stage(ftp.url(EmbeddedFtpServer.SLOW_USER, EmbeddedFtpServer.SLOW_USER,
            "/pub"), MARK, FOLDER, List.of(big));

        assertThat(served.resolve("pub").resolve(FOLDER).resolve("big.iso")).hasSameBinaryContentAs(big);
        assertThat(staged.get(0).sha256()).isEqualTo(sha256(big));
        assertThat(ftp.commands.stream().filter(c -> c.equals("STOR .big.iso.partial"))).hasSize(2);
        long resumedAt = ftp.commands.stream().filter(c -> c.startsWith("REST ")).mapToLong(c -> Long.parseLong(
            c.substring(5))).findFirst().orElseThrow(() -> new AssertionError("no REST sent: " + ftp.commands));
        assertThat(resumedAt).isBetween(1024L * 1024, 4L * 1024 * 1024 - 1);
    }

    @Test
    void whenTheServerCannotResumeTheWholeFileIsSentAgainAndEndsComplete() throws Exception {
        Path big = Files.write(tmp.resolve("in/big.iso"), random(3 * 1024 * 1024));
        ftp.refuseRest();
        ftp.dropNextUploadAt(512 * 1024);

        List<Artifact> staged = stager.stage(ftp.url(EmbeddedFtpServer.SLOW_USER, EmbeddedFtpServer.SLOW_USER,
            "/pub"), MARK, FOLDER, List.of(big));

        assertThat(served.resolve("pub").resolve(FOLDER).resolve("big.iso")).hasSameBinaryContentAs(big);
        assertThat(staged.get(0).sha256()).isEqualTo(sha256(big));
        assertThat(ftp.commands).anyMatch(c -> c.startsWith("REST "));
        assertThat(ftp.commands.stream().filter(c -> c.equals("STOR .big.iso.partial"))).hasSize(2);
    }

    @Test
    void anUploadTheServerKeepsRefusingFailsAfterThreeAttemptsAndLeavesNoFolderBehind() {
        ftp.refuseUploads();

        assertThatThrownBy(() -> stager.stage(ftp.url(null, null, "/pub"), MARK, FOLDER, List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("failed after 3 attempts")
            .hasMessageContaining("552 Quota exceeded");

        assertThat(ftp.commands.stream().filter(c -> c.startsWith("STOR "))).hasSize(3);
        assertThat(served.resolve("pub")).isEmptyDirectory();
    }

    @Test
    void anotherBuildsFolderOnTheServerIsNeverWrittenInto() throws Exception {
        Path theirs = Files.createDirectories(served.resolve("pub").resolve(FOLDER));
        Files.writeString(theirs.resolve("boot.iso"), "another build's image");

        assertThatThrownBy(() -> stager.stage(ftp.url(null, null, "/pub"), MARK, FOLDER, List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("already exists and has no .fbs-build marker");

        assertThat(theirs.resolve("boot.iso")).hasContent("another build's image");
        assertThat(names(theirs)).containsExactly("boot.iso");
        assertThat(ftp.commands).noneMatch(c -> c.startsWith("DELE") || c.startsWith("RMD") || c.startsWith("STOR"));
    }

    // ---- a later attempt of the same build (its worker was lost while staging) -----------------------------------

    @Test
    void aRetryAfterAHalfStagedAttemptClearsWhatItLeftInsideItsFolderOnlyAndStagesExactlyTheNewFiles()
        throws Exception {
        Path neighbour = Files.createDirectories(served.resolve("pub/Fedora-x86_64-41-6"));
        Files.writeString(neighbour.resolve("boot.iso"), "build 6");
        // The first attempt: its folder, its marker, one finished image, then its worker died (no close, no commit)
        // while the next file was half uploaded.
        Path oldIso = Files.writeString(tmp.resolve("in/old.iso"), "the first attempt's image");
        StagingFolder died = stager.open(ftp.url(null, null, "/pub"), MARK, FOLDER);
        died.put(oldIso, "boot.iso");
        died.put(oldIso, "only-in-the-first-attempt.iso");
        Path folder = served.resolve("pub").resolve(FOLDER);
        Files.writeString(folder.resolve(".CHECKSUM.partial"), "SHA256 (boot.iso) = 01");
        Files.createDirectories(folder.resolve("leftover/deeper"));
        Files.writeString(folder.resolve("leftover/deeper/file"), "x");
        ftp.commands.clear();

        List<Artifact> staged = stager.stage(ftp.url(null, null, "/pub"), FileStagerTest.RETRY, FOLDER,
            List.of(iso, checksum, log));

        assertThat(staged).extracting(Artifact::name).containsExactly("boot.iso", "CHECKSUM", "build-7.log");
        try (Stream<Path> all = Files.walk(folder)) {
            assertThat(all.filter(p -> !p.equals(folder)).map(p -> folder.relativize(p).toString()))
                .containsExactlyInAnyOrder(".fbs-build", "boot.iso", "CHECKSUM", "build-7.log");
        }
        for (Artifact a : staged) {
            assertThat(folder.resolve(a.name())).hasSameBinaryContentAs(tmp.resolve("in").resolve(a.name()));
            assertThat(a.sha256()).isEqualTo(sha256(folder.resolve(a.name())));
        }
        assertThat(Files.readString(folder.resolve(".fbs-build"))).contains("build=7\n", "attempt=2\n");
        assertThat(neighbour.resolve("boot.iso")).hasContent("build 6");
        // Every removal named a path inside the build's folder (the connection stands in it: relative names that
        // never climb), and the folder itself was never removed.
        List<String> removals = ftp.commands.stream().filter(c -> c.startsWith("DELE ") || c.startsWith("RMD "))
            .toList();
        // The first attempt's marker is replaced by this attempt's (this server will not rename over a file, so it is
        // removed just before the new one is renamed into place), before anything else is cleared.
        assertThat(ftp.commands).containsSubsequence("CWD " + FOLDER, "STOR ..fbs-build.partial", "DELE .fbs-build",
            "RNFR ..fbs-build.partial", "RNTO .fbs-build", "DELE leftover/deeper/file", "RMD leftover/deeper",
            "RMD leftover");
        assertThat(ftp.commands).noneMatch(c -> c.startsWith("CWD ") && !c.equals("CWD " + FOLDER)
            && !c.equals("CWD pub"));
        assertThat(removals).filteredOn(c -> !c.equals("DELE .fbs-build")).isNotEmpty()
            .allSatisfy(c -> assertThat(c.substring(c.indexOf(' ') + 1)).doesNotStartWith("/").doesNotContain(".."))
            .noneMatch(c -> c.contains(".fbs-build"));
    }

    @Test
    void anOlderAttemptStillRunningNeverReplacesOrRemovesANewerAttemptsResultsOnTheServer() throws Exception {
        // Attempt 1's worker is cut off while staging: it has put one file when the master's attempt 2 takes over.
        Path oldIso = Files.writeString(tmp.resolve("in/old.iso"), "attempt 1's image");
        StagingFolder cutOff = stager.open(ftp.url(null, null, "/pub"), MARK, FOLDER);
        cutOff.put(oldIso, "first.iso");
        List<Artifact> newer = stager.stage(ftp.url(null, null, "/pub"), FileStagerTest.RETRY, FOLDER,
            List.of(iso, log));
        assertThat(newer).extracting(Artifact::name).containsExactly("boot.iso", "build-7.log");
        ftp.commands.clear();

        // Attempt 1 runs on: its next file is refused, and its failure cleanup leaves the folder to attempt 2.
        assertThatThrownBy(() -> cutOff.put(oldIso, "boot.iso"))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("taken over by another attempt of build 7");
        cutOff.close();
        assertThatThrownBy(() -> stager.stage(ftp.url(null, null, "/pub"), MARK, FOLDER, List.of(oldIso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("belongs to attempt 2 of build 7, newer than this attempt 1");

        Path folder = served.resolve("pub").resolve(FOLDER);
        assertThat(names(folder)).containsExactlyInAnyOrder(".fbs-build", "boot.iso", "build-7.log");
        assertThat(folder.resolve("boot.iso")).hasSameBinaryContentAs(iso);
        assertThat(folder.resolve("build-7.log")).hasSameBinaryContentAs(log);
        assertThat(Files.readString(folder.resolve(".fbs-build"))).contains("attempt=2\n");
        // Attempt 1 removed only its own temporary upload, and renamed nothing into place.
        assertThat(ftp.commands.stream().filter(c -> c.startsWith("DELE") || c.startsWith("RMD")))
            .containsExactly("DELE .boot.iso.partial");
        assertThat(ftp.commands).noneMatch(c -> c.startsWith("RNTO"));
    }

    @Test
    void anEmptyFolderOrOneHoldingOnlyAHalfUploadedMarkerIsTakenOnTheServer() throws Exception {
        Path folder = Files.createDirectories(served.resolve("pub").resolve(FOLDER));
        Files.writeString(folder.resolve(StagingMark.PARTIAL), "# FBS staged build 7 into");
        Path empty = Files.createDirectories(served.resolve("other").resolve(FOLDER));

        stager.stage(ftp.url(null, null, "/pub"), MARK, FOLDER, List.of(iso));
        stager.stage(ftp.url(null, null, "/other"), MARK, FOLDER, List.of(iso));

        for (Path dir : List.of(folder, empty)) {
            assertThat(names(dir)).containsExactlyInAnyOrder(".fbs-build", "boot.iso");
            assertThat(dir.resolve("boot.iso")).hasSameBinaryContentAs(iso);
            assertThat(StagingMark.parse(Files.readString(dir.resolve(".fbs-build")))).isEqualTo(MARK);
        }
    }

    @Test
    void aFolderWithAnotherBuildsMarkerIsRefusedOnTheServerAndLeftUntouched() throws Exception {
        stager.stage(ftp.url(null, null, "/pub"), FileStagerTest.BUILD_8, FOLDER, List.of(iso));
        stager.stage(ftp.url(null, null, "/other"), FileStagerTest.SAME_NUMBER_OTHER_REQUEST, FOLDER, List.of(iso));
        ftp.commands.clear();

        assertThatThrownBy(() -> stager.stage(ftp.url(null, null, "/pub"), MARK, FOLDER, List.of(log)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("ftp://127.0.0.1:" + ftp.port + "/pub/" + FOLDER)
            .hasMessageContaining("belongs to build 8, not 7");
        assertThatThrownBy(() -> stager.stage(ftp.url(null, null, "/other"), MARK, FOLDER, List.of(log)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("belongs to another build 7");

        for (String path : List.of("pub", "other")) {
            Path folder = served.resolve(path).resolve(FOLDER);
            assertThat(names(folder)).containsExactlyInAnyOrder(".fbs-build", "boot.iso");
            assertThat(folder.resolve("boot.iso")).hasSameBinaryContentAs(iso);
        }
        assertThat(ftp.commands).noneMatch(c -> c.startsWith("DELE") || c.startsWith("RMD") || c.startsWith("STOR"));
    }

    @Test
    void aRetryThatFailsTooTakesTheWholeFolderBackFromTheServer() throws Exception {
        stager.stage(ftp.url(null, null, "/pub"), MARK, FOLDER, List.of(iso));

        assertThatThrownBy(() -> stager.stage(ftp.url(null, null, "/pub"), FileStagerTest.RETRY, FOLDER,
            List.of(log, tmp.resolve("in/gone.iso"))))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("gone.iso");
        assertThat(served.resolve("pub")).isEmptyDirectory();
    }

    @Test
    void aStagingThatFailsHalfwayTakesBackItsOwnFolderAndLeavesItsNeighboursAlone() throws Exception {
        Path neighbour = Files.createDirectories(served.resolve("pub/Fedora-x86_64-41-6"));
        Files.writeString(neighbour.resolve("boot.iso"), "build 6");
        Path missing = tmp.resolve("in/gone.iso");

        assertThatThrownBy(() -> stager.stage(ftp.url(null, null, "/pub"), MARK, FOLDER, List.of(iso, missing)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("gone.iso");

        assertThat(served.resolve("pub").resolve(FOLDER)).doesNotExist();
        assertThat(neighbour.resolve("boot.iso")).hasContent("build 6");
    }

    @Test
    void anUnreachableServerFailsWithAReasonNamingIt() throws Exception {
        int port = ftp.port;
        ftp.close();

        assertThatThrownBy(() -> stager.check("ftp://127.0.0.1:" + port + "/pub"))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("cannot reach the FTP server 127.0.0.1:" + port);
    }

    // ---- RFC 1738 paths -------------------------------------------------------------------------------------------

    @Test
    void aPathIsTakenFromTheLoginDirectoryAndALeadingPercent2FTakesItFromTheRoot() throws Exception {
        Files.createDirectories(served.resolve("home").resolve(EmbeddedFtpServer.USER));

        List<Artifact> relative = stager.stage(ftp.url(EmbeddedFtpServer.USER, "s3cr%40t%3Apw", "/up"), MARK, FOLDER,
            List.of(log));
        assertThat(ftp.commands).noneMatch(c -> c.equals("CWD /"));
        List<Artifact> absolute = stager.stage(ftp.url(EmbeddedFtpServer.USER, "s3cr%40t%3Apw", "/%2Fup"), MARK,
            FOLDER, List.of(log));

        assertThat(served.resolve("home/bob/up").resolve(FOLDER).resolve("build-7.log")).hasSameBinaryContentAs(log);
        assertThat(served.resolve("up").resolve(FOLDER).resolve("build-7.log")).hasSameBinaryContentAs(log);
        assertThat(ftp.commands).contains("CWD /");
        // The recorded locations are URLs curl reads the same way.
        assertThat(relative.get(0).location()).isEqualTo("ftp://bob@127.0.0.1:" + ftp.port + "/up/" + FOLDER
            + "/build-7.log");
        assertThat(absolute.get(0).location()).isEqualTo("ftp://bob@127.0.0.1:" + ftp.port + "/%2Fup/" + FOLDER
            + "/build-7.log");
    }

    // ---- hostile URLs, servers and networks ---------------------------------------------------------------------

    @Test
    void controlCharactersAnywhereInTheUrlAreRefusedBeforeAnythingIsSent() {
        Files.exists(served); // the server is up: nothing reaches it
        for (String url : List.of(
            ftp.url("bob%0D%0ADELE%20x", "pw", "/pub"),
            ftp.url(EmbeddedFtpServer.USER, "pw%0D%0ADELE%20boot.iso", "/pub"),
            ftp.url(EmbeddedFtpServer.USER, "pw%0aRMD%20pub", "/pub"),
            ftp.url(EmbeddedFtpServer.USER, "pw%00", "/pub"),
            ftp.url(EmbeddedFtpServer.USER, "pw%7F", "/pub"),
            ftp.url(null, null, "/pub%0D%0ARMD%20pub"),
            ftp.url(EmbeddedFtpServer.USER, "pw\r\nDELE x", "/pub"),
            ftp.url(null, null, "/pub\nRMD pub"))) {
            assertThatThrownBy(() -> stager.check(url)).as(url)
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("control characters (line breaks, NUL) are not allowed anywhere in an ftp://"
                    + " URL");
            assertThatThrownBy(() -> stager.stage(url, MARK, FOLDER, List.of(iso))).as(url)
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("control characters");
        }
        assertThat(ftp.commands).isEmpty();
    }

    @Test
    void internalHostsAreRefusedUnlessTheOperatorListsThemAndNothingIsSentToThem() throws Exception {
        FtpStager publicOnly = new FtpStager(AllowedHosts.NONE, Duration.ofSeconds(10), Duration.ofMillis(50));

        assertThatThrownBy(() -> publicOnly.check(ftp.url(null, null, "/pub")))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("will not connect to FTP server 127.0.0.1: 127.0.0.1 is a loopback address"
                + " (an operator may allow it in worker.ftp.allowed-hosts)");
        String byName = "ftp://localhost:" + ftp.port + "/pub";
        assertThatThrownBy(() -> publicOnly.stage(byName, MARK, FOLDER, List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("localhost is 127.0.0.1, a loopback address");
        for (String internal : List.of("10.0.0.27", "192.168.1.1", "169.254.169.254", "[::1]", "[fd00::1]")) {
            assertThatThrownBy(() -> publicOnly.check("ftp://" + internal + "/pub")).as(internal)
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("worker.ftp.allowed-hosts");
        }
        assertThat(ftp.commands).isEmpty();
        assertThat(served).isEmptyDirectory();

        FtpStager listed = new FtpStager(AllowedHosts.parse("worker.ftp.allowed-hosts", List.of("localhost")),
            Duration.ofSeconds(10), Duration.ofMillis(50));
        listed.stage(byName, MARK, FOLDER, List.of(iso));
        assertThat(served.resolve("pub").resolve(FOLDER).resolve("boot.iso")).hasSameBinaryContentAs(iso);
    }

    @Test
    void aPasvReplyNamingAnotherAddressIsIgnoredTheDataGoesToTheServerLoggedInTo() throws Exception {
        // The server's PASV replies are rewritten to name 127.0.0.2, where a listener waits on the announced port: a
        // client that believed them would send the build's files (or knock on any service) there.
        try (LyingPasvRelay liar = new LyingPasvRelay(ftp.port)) {
            stager.stage("ftp://127.0.0.1:" + liar.port() + "/pub", MARK, FOLDER, List.of(iso, log));

            assertThat(liar.lies()).as("PASV replies rewritten").isPositive();
            assertThat(liar.victimConnections()).isZero();
        }
        assertThat(served.resolve("pub").resolve(FOLDER).resolve("boot.iso")).hasSameBinaryContentAs(iso);
        assertThat(ftp.commands).anyMatch(c -> c.startsWith("PASV"));
    }

    /**
     * Relays FTP control connections to the test server, rewriting each "227 Entering Passive Mode" reply to name
     * 127.0.0.2 and listening there on the announced port, to count who comes.
     */
    private static final class LyingPasvRelay implements AutoCloseable {

        private final ServerSocket front = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        private final List<ServerSocket> victims = new CopyOnWriteArrayList<>();
        private final AtomicInteger lies = new AtomicInteger();
        private final AtomicInteger reached = new AtomicInteger();

        LyingPasvRelay(int serverPort) throws IOException {
            daemon(() -> {
                while (!front.isClosed()) {
                    try {
                        Socket client = front.accept();
                        Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                        daemon(() -> copy(client, server));
                        daemon(() -> rewrite(server, client));
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
        }

        private static void copy(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (Exception ignored) {
                // either side closed
            }
        }

        private void rewrite(Socket server, Socket client) {
            try (server; client) {
                BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.ISO_8859_1));
                OutputStream out = client.getOutputStream();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    java.util.regex.Matcher pasv = java.util.regex.Pattern
                        .compile("227 .*\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\).*").matcher(line);
                    if (pasv.matches()) {
                        int port = Integer.parseInt(pasv.group(5)) * 256 + Integer.parseInt(pasv.group(6));
                        listenAsVictim(port);
                        line = "227 Entering Passive Mode (127,0,0,2," + pasv.group(5) + "," + pasv.group(6) + ")";
                        lies.incrementAndGet();
                    }
                    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (Exception ignored) {
                // either side closed
            }
        }

        private void listenAsVictim(int port) throws Exception {
            ServerSocket victim = new ServerSocket(port, 5, InetAddress.getByName("127.0.0.2"));
            victims.add(victim);
            daemon(() -> {
                try (Socket s = victim.accept()) {
                    reached.incrementAndGet();
                } catch (Exception closed) {
                    // closed at the end of the test
                }
            });
        }

        int port() {
            return front.getLocalPort();
        }

        int lies() {
            return lies.get();
        }

        int victimConnections() {
            return reached.get();
        }

        @Override
        public void close() throws Exception {
            front.close();
            for (ServerSocket victim : victims) {
                victim.close();
            }
        }
    }

    @Test
    void whatAServerSaysNeverReachesTheReasonBeyondAReplyCodeAndAShortCleanedText() throws Exception {
        // A service that is not FTP at all (what a port scan through FBS would read): only the kind of failure.
        try (ScriptedServer ssh = new ScriptedServer("SSH-2.0-OpenSSH_9.2p1 Debian-2 build-host-07.internal\r\n",
            null)) {
            assertThatThrownBy(() -> stager.check("ftp://127.0.0.1:" + ssh.port() + "/pub"))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("it does not answer like an FTP server")
                .message().doesNotContain("SSH", "OpenSSH", "Debian", "internal");
        }
        // A chatty FTP server: the code and the start of the first line, cleaned; nothing else.
        String chatty = "530-Login refused \u001b[31m by backend " + "x".repeat(200) + " TAIL-OF-THE-LINE\r\n"
            + "530 second line: db password is hunter2\r\n";
        try (ScriptedServer ftpd = new ScriptedServer("220 ready\r\n", chatty)) {
            assertThatThrownBy(() -> stager.check("ftp://bob:pw@127.0.0.1:" + ftpd.port() + "/pub"))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("refused the login of user 'bob': 530 Login refused 31m by backend xxx")
                .message().doesNotContain("\u001b", "TAIL-OF-THE-LINE", "hunter2", "second line")
                .contains("...");
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
    }

    /** A one-connection-at-a-time server that greets with {@code greeting} and answers USER with {@code onUser}. */
    private static final class ScriptedServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());

        ScriptedServer(String greeting, String onUser) throws Exception {
            daemon(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        OutputStream out = s.getOutputStream();
                        out.write(greeting.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            out.write((line.startsWith("USER") && onUser != null ? onUser : "221 bye\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    } catch (Exception e) {
                        // next connection, or closed
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file)));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
