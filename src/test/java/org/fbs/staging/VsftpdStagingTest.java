package org.fbs.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FtpStager against a real vsftpd (Debian's), started by the test ({@link Vsftpd}): staging, a retry taking its folder
 * back, the server gone for seconds in the middle of an upload (and for longer than the retries last), and a folder
 * the user cannot write.
 */
class VsftpdStagingTest {

    private static final String FOLDER = "Fedora-x86_64-41-7";
    /** vsftpd holds each session to this many bytes a second, so that an upload lasts long enough to break it. */
    private static final long RATE = 4L * 1024 * 1024;

    @TempDir
    Path tmp;

    private Vsftpd ftp;
    private Path iso;
    private Path log;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(new UnixSystem().getUid() == 0, "vsftpd runs anonymous sessions as its ftp user: root");
        ftp = new Vsftpd(tmp.resolve("vsftpd"), RATE);
        Path in = Files.createDirectories(tmp.resolve("in"));
        iso = Files.write(in.resolve("boot.iso"), random(300_000));
        log = Files.writeString(in.resolve("build-7.log"), "line one\nline two\n");
    }

    @AfterEach
    void stop() throws Exception {
        if (ftp != null) {
            ftp.close();
        }
    }

    private static FtpStager stager(Duration backoff) {
        return new FtpStager(FtpStagerTest.LOOPBACK, Duration.ofSeconds(10), backoff);
    }

    @Test
    void stagesIntoAPathRelativeToTheLoginDirectoryAndARetryTakesItsFolderBack() throws Exception {
        FtpStager stager = stager(Duration.ofMillis(200));
        String url = ftp.url("/pub/images");
        List<Artifact> first = stager.stage(url, FileStagerTest.MARK, FOLDER, List.of(iso, log));

        Path folder = ftp.root.resolve("pub/images").resolve(FOLDER);
        assertThat(first).extracting(Artifact::location).containsExactly(
            "ftp://127.0.0.1:" + ftp.port + "/pub/images/" + FOLDER + "/boot.iso",
            "ftp://127.0.0.1:" + ftp.port + "/pub/images/" + FOLDER + "/build-7.log");
        assertThat(folder.resolve("boot.iso")).hasSameBinaryContentAs(iso);
        // The retry of the build finds its marker through vsftpd's LIST -a, and replaces what the first attempt put.
        Files.writeString(tmp.resolve("in/boot.iso"), "the retry's image");
        List<Artifact> again = stager.stage(url, FileStagerTest.RETRY, FOLDER, List.of(iso));

        assertThat(again).extracting(Artifact::name).containsExactly("boot.iso");
        assertThat(names(folder)).containsExactlyInAnyOrder(".fbs-build", "boot.iso");
        assertThat(folder.resolve("boot.iso")).hasContent("the retry's image");
        assertThat(Files.readString(folder.resolve(".fbs-build"))).contains("attempt=2\n");
        // %2F: the same folder named from the server's root (the anonymous login directory is the root here).
        assertThatThrownBy(() -> stager.stage(ftp.url("/%2Fpub/images"), FileStagerTest.MARK, FOLDER, List.of(iso)))
            .hasMessageContaining("belongs to attempt 2 of build 7, newer than this attempt 1");
    }

    @Test
    void theServerGoneForThreeSecondsMidUploadIsRetriedAndTheUploadResumesWhereItStopped() throws Exception {
        Path big = Files.write(tmp.resolve("in/big.iso"), random(16 * 1024 * 1024));
        Path partial = ftp.root.resolve("pub").resolve(FOLDER).resolve(".big.iso.partial");
        CompletableFuture<Void> outage = outageOnceUploading(partial, Duration.ofSeconds(3));

        List<Artifact> staged = stager(Duration.ofSeconds(2)).stage(ftp.url("/pub"), FileStagerTest.MARK, FOLDER,
            List.of(big));
        outage.get(60, TimeUnit.SECONDS);

        assertThat(ftp.root.resolve("pub").resolve(FOLDER).resolve("big.iso")).hasSameBinaryContentAs(big);
        assertThat(staged.get(0).sha256()).isEqualTo(FtpStagerTest.sha256(big));
        assertThat(ftp.log()).as("vsftpd's protocol log").containsPattern("\"REST [1-9][0-9]*\"");
        assertThat(names(ftp.root.resolve("pub").resolve(FOLDER))).containsExactlyInAnyOrder(".fbs-build", "big.iso");
    }

    @Test
    void aServerGoneForLongerThanTheRetriesFailsTheStagingAndItsPartialFileAndMarkerAreTakenBack() throws Exception {
        Path big = Files.write(tmp.resolve("in/big.iso"), random(16 * 1024 * 1024));
        Path folder = ftp.root.resolve("pub").resolve(FOLDER);
        // Attempts at about 0, 3 and 9 s fail; the clean-up's second connection, at about 12 s, finds it back.
        CompletableFuture<Void> outage = outageOnceUploading(folder.resolve(".big.iso.partial"),
            Duration.ofMillis(10_500));

        assertThatThrownBy(() -> stager(Duration.ofSeconds(3)).stage(ftp.url("/pub"), FileStagerTest.MARK, FOLDER,
            List.of(big)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("FTP upload of big.iso to ftp://127.0.0.1:" + ftp.port + "/pub/" + FOLDER
                + " failed after 3 attempts")
            .hasMessageContaining("connection refused")
            .message().doesNotContain("NullPointerException", "null");
        outage.get(60, TimeUnit.SECONDS);

        assertThat(folder).doesNotExist();
        assertThat(ftp.root.resolve("pub")).isEmptyDirectory();
    }

    @Test
    void theCheckBeforeTheBuildFindsAFolderTheUserCannotWriteAndLeavesNothingBehindWhereItCan() throws Exception {
        FtpStager stager = stager(Duration.ofMillis(200));

        assertThatThrownBy(() -> stager.check(ftp.url("/ro")))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("user 'anonymous' cannot write into ftp://127.0.0.1:" + ftp.port + "/ro (553");
        assertThatThrownBy(() -> stager.check(ftp.url("/ro/sub")))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("cannot create or enter sub");

        stager.check(ftp.url("/pub/new/deeper"));
        assertThat(ftp.root.resolve("ro")).isEmptyDirectory();
        assertThat(ftp.root.resolve("pub")).isEmptyDirectory();
        assertThat(ftp.log()).contains("STOR .fbs-write-check-", "DELE .fbs-write-check-");
    }

    /** Once {@code partial} has 2 MiB, stops vsftpd for {@code length}, then starts it again. */
    private CompletableFuture<Void> outageOnceUploading(Path partial, Duration length) {
        return CompletableFuture.runAsync(() -> {
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!(Files.exists(partial) && Files.size(partial) >= 2 * 1024 * 1024)) {
                    if (System.nanoTime() > end) {
                        throw new AssertionError("the upload never started");
                    }
                    Thread.sleep(10);
                }
                ftp.stop();
                Thread.sleep(length.toMillis());
                ftp.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
