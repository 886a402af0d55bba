package org.fbs.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStagerTest {

    @TempDir
    Path tmp;

    private Path allowed;
    private Path outside;
    private Path iso;
    private Path sums;
    private FileStager stager;

    @BeforeEach
    void setUp() throws IOException {
        allowed = Files.createDirectories(tmp.resolve("allowed"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        byte[] isoBytes = new byte[300_000];
        new Random(7).nextBytes(isoBytes);
        iso = Files.write(in.resolve("boot.iso"), isoBytes);
        sums = Files.writeString(in.resolve("SHA256SUMS"), "not really sums\n");
        stager = new FileStager(List.of(allowed));
    }

    private static String url(Path p) {
        return "file://" + p; // p is absolute, so this is file:///...
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static List<Path> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }

    @Test
    void filesLandInTheFolderWithTheirSizeChecksumAndFileLocation() throws Exception {
        List<Artifact> staged = stager.stage(url(allowed.resolve("images")), 7, "Fedora-x86_64-41-7",
            List.of(iso, sums));

        Path folder = allowed.resolve("images/Fedora-x86_64-41-7");
        assertThat(staged).extracting(Artifact::name).containsExactly("boot.iso", "SHA256SUMS");
        for (Artifact a : staged) {
            Path source = a.name().equals("boot.iso") ? iso : sums;
            Path dest = folder.resolve(a.name());
            assertThat(dest).hasSameBinaryContentAs(source);
            assertThat(a.size()).isEqualTo(Files.size(source));
            assertThat(a.sha256()).isEqualTo(sha256(source));
            assertThat(a.location()).isEqualTo(dest.toUri().toString()).startsWith("file:///");
        }
    }

    @Test
    void noPartialFilesRemainAfterSuccess() throws Exception {
        stager.stage(url(allowed), 7, "b1", List.of(iso, sums));

        assertThat(tree(allowed)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder("b1", "boot.iso", "SHA256SUMS")
            .noneMatch(n -> n.endsWith(".partial"));
    }

    @Test
    void aSecondStageIntoTheSameFolderFailsAndLeavesTheFirstBuildsFilesUntouched() throws Exception {
        stager.stage(url(allowed), 7, "b1", List.of(iso, sums));
        byte[] firstIso = Files.readAllBytes(allowed.resolve("b1/boot.iso"));
        byte[] firstSums = Files.readAllBytes(allowed.resolve("b1/SHA256SUMS"));

        Path other = Files.createDirectories(tmp.resolve("other"));
        Path otherIso = Files.writeString(other.resolve("boot.iso"), "a different image");
        Path otherSums = Files.writeString(other.resolve("SHA256SUMS"), "different sums");
        assertThatThrownBy(() -> stager.stage(url(allowed), 7, "b1", List.of(otherIso, otherSums)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("already exists");

        assertThat(allowed.resolve("b1/boot.iso")).hasBinaryContent(firstIso);
        assertThat(allowed.resolve("b1/SHA256SUMS")).hasBinaryContent(firstSums);
        assertThat(tree(allowed.resolve("b1"))).hasSize(2);
    }

    @Test
    void stagingIntoAFolderThatHoldsOtherBuildsFilesLeavesThemUntouched() throws Exception {
        Path shared = Files.createDirectories(allowed.resolve("images"));
        Path theirs = Files.createDirectories(shared.resolve("Fedora-x86_64-41-6"));
        Files.writeString(theirs.resolve("boot.iso"), "build 6's image");
        Files.writeString(shared.resolve("boot.iso"), "someone's loose file");

        stager.stage(url(shared), 7, "Fedora-x86_64-41-7", List.of(iso, sums));

        assertThat(theirs.resolve("boot.iso")).hasContent("build 6's image");
        assertThat(shared.resolve("boot.iso")).hasContent("someone's loose file");
        assertThat(tree(theirs)).hasSize(1);
        assertThat(shared.resolve("Fedora-x86_64-41-7/boot.iso")).hasSameBinaryContentAs(iso);
    }

    @Test
    void aStagingUrlOutsideTheAllowedRootsIsRefusedAndNothingIsCreatedThere() {
        assertThatThrownBy(() -> stager.stage(url(outside.resolve("new")), 7, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("not under");

        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void aSymbolicLinkInsideAnAllowedRootThatPointsOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(allowed.resolve("link"), outside);

        assertThatThrownBy(() -> stager.stage(url(allowed.resolve("link")), 7, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class);
        assertThatThrownBy(() -> stager.stage(url(allowed.resolve("link/deeper")), 7, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class);

        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void dotDotThatLeavesTheRootIsRefused() throws Exception {
        String escape = url(allowed) + "/../outside/b";
        String ghost = url(allowed) + "/sub/../../ghost";

        assertThatThrownBy(() -> stager.stage(escape, 7, "b1", List.of(iso))).isInstanceOf(StagingException.class);
        assertThatThrownBy(() -> stager.stage(ghost, 7, "b1", List.of(iso))).isInstanceOf(StagingException.class);

        assertThat(outside).isEmptyDirectory();
        assertThat(tmp.resolve("ghost")).doesNotExist();
        assertThat(allowed).isEmptyDirectory();
    }

    @Test
    void dotDotThatStaysInsideTheRootIsAccepted() throws Exception {
        stager.stage(url(allowed) + "/a/../b", 7, "b1", List.of(sums));

        assertThat(allowed.resolve("b/b1/SHA256SUMS")).hasSameTextualContentAs(sums, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../b1", ".hidden", ".", "..", "", "b 1"})
    void aBadFolderNameIsRefused(String folder) {
        assertThatThrownBy(() -> stager.stage(url(allowed), 7, folder, List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("folder name");

        assertThat(allowed).isEmptyDirectory();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://10.0.0.27/pub", "http://example.org/x", "file://host/srv/fbs", "file:/srv/fbs",
        "/srv/fbs", "10.0.0.27"})
    void aNonFileUrlIsRefused(String stagingUrl) {
        assertThatThrownBy(() -> stager.stage(stagingUrl, 7, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("file:///");
    }

    @Test
    void twoInputsWithTheSameFileNameAreRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path secondIso = Files.writeString(elsewhere.resolve("boot.iso"), "another boot.iso");

        assertThatThrownBy(() -> stager.stage(url(allowed), 7, "b1", List.of(iso, secondIso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("two files named boot.iso");
        assertThat(allowed.resolve("b1")).doesNotExist();
    }

    @Test
    void aCopyThatFailsHalfwayLeavesNothingBehind() throws Exception {
        Path missing = tmp.resolve("gone.iso");

        assertThatThrownBy(() -> stager.stage(url(allowed), 7, "b1", List.of(iso, missing)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("gone.iso");
        assertThat(allowed.resolve("b1")).doesNotExist();
        assertThat(stager.stage(url(allowed), 7, "b1", List.of(iso))).hasSize(1);
    }
}
