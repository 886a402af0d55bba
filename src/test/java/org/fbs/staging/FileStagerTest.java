package org.fbs.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.build.ChecksumFile;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStagerTest {

    static final BuildSpec SPEC = spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nemail=tester@example.org\n");
    static final StagingMark MARK = StagingMark.of(7, 1, SPEC);
    /** The next attempt of build 7 (its first worker was lost). */
    static final StagingMark RETRY = StagingMark.of(7, 2, SPEC);
    static final StagingMark BUILD_8 = StagingMark.of(8, 1, SPEC);
    /** Build 7 of another FBS service: the same number, another request. */
    static final StagingMark SAME_NUMBER_OTHER_REQUEST = StagingMark.of(7, 1,
        spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nemail=someone.else@example.org\n"));

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

    static BuildSpec spec(String ini) {
        try {
            return SpecParser.fromIni(ini);
        } catch (SpecException e) {
            throw new IllegalStateException(e);
        }
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
        List<Artifact> staged = stager.stage(url(allowed.resolve("images")), MARK, "Fedora-x86_64-41-7",
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
    void noPartialFilesRemainAfterSuccessOnlyTheFilesAndTheMarker() throws Exception {
        stager.stage(url(allowed), MARK, "b1", List.of(iso, sums));

        assertThat(tree(allowed)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder("b1", ".fbs-build", "boot.iso", "SHA256SUMS")
            .noneMatch(n -> n.endsWith(".partial"));
    }

    @Test
    void anotherBuildsStageIntoTheSameFolderFailsAndLeavesTheFirstBuildsFilesUntouched() throws Exception {
        stager.stage(url(allowed), MARK, "b1", List.of(iso, sums));
        byte[] firstIso = Files.readAllBytes(allowed.resolve("b1/boot.iso"));
        byte[] firstSums = Files.readAllBytes(allowed.resolve("b1/SHA256SUMS"));

        Path other = Files.createDirectories(tmp.resolve("other"));
        Path otherIso = Files.writeString(other.resolve("boot.iso"), "a different image");
        Path otherSums = Files.writeString(other.resolve("SHA256SUMS"), "different sums");
        for (StagingMark another : List.of(BUILD_8, SAME_NUMBER_OTHER_REQUEST)) {
            assertThatThrownBy(() -> stager.stage(url(allowed), another, "b1", List.of(otherIso, otherSums)))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("already exists");
        }

        assertThat(allowed.resolve("b1/boot.iso")).hasBinaryContent(firstIso);
        assertThat(allowed.resolve("b1/SHA256SUMS")).hasBinaryContent(firstSums);
        assertThat(tree(allowed.resolve("b1"))).hasSize(3);
    }

    // ---- a later attempt of the same build (its worker was lost while staging) -----------------------------------

    @Test
    void aRetryAfterAHalfStagedAttemptClearsWhatItLeftAndStagesExactlyTheNewFiles() throws Exception {
        Path folder = allowed.resolve("images/Fedora-x86_64-41-7");
        // The first attempt: its folder, its marker, one finished image, then its worker died (no close, no commit)
        // while the next file was half copied.
        Path oldIso = Files.writeString(tmp.resolve("in/old.iso"), "the first attempt's image");
        StagingFolder died = stager.open(url(allowed.resolve("images")), MARK, "Fedora-x86_64-41-7");
        died.put(oldIso, "boot.iso");
        died.put(oldIso, "only-in-the-first-attempt.iso");
        Files.writeString(folder.resolve(".CHECKSUM.partial"), "SHA256 (boot.iso) = 0123");
        Files.createDirectories(folder.resolve("leftover/deeper"));
        Files.writeString(folder.resolve("leftover/deeper/file"), "x");

        Path checksum = ChecksumFile.write(Files.createDirectories(tmp.resolve("work")), List.of(iso));
        Path log = Files.writeString(tmp.resolve("work/build-7.log"), "build 7 succeeded\n");
        List<Artifact> staged = stager.stage(url(allowed.resolve("images")), RETRY, "Fedora-x86_64-41-7",
            List.of(iso, checksum, log));

        assertThat(staged).extracting(Artifact::name).containsExactly("boot.iso", "CHECKSUM", "build-7.log");
        assertThat(tree(folder)).extracting(p -> folder.relativize(p).toString())
            .containsExactlyInAnyOrder(".fbs-build", "boot.iso", "CHECKSUM", "build-7.log");
        for (Artifact a : staged) {
            assertThat(a.sha256()).isEqualTo(sha256(folder.resolve(a.name())));
            assertThat(a.location()).isEqualTo(folder.resolve(a.name()).toUri().toString());
        }
        assertThat(folder.resolve("boot.iso")).hasSameBinaryContentAs(iso);
        // sha256sum -c on the staged CHECKSUM would pass: it names the staged image with its checksum, and only it.
        assertThat(Files.readString(folder.resolve("CHECKSUM")))
            .contains("SHA256 (boot.iso) = " + sha256(folder.resolve("boot.iso")))
            .doesNotContain(".fbs-build");
        assertThat(Files.readString(folder.resolve(".fbs-build"))).contains("build=7\n", "attempt=2\n", "spec-sha256=" + MARK.spec());
    }

    @Test
    void theMarkerStaysAfterSuccessSoThatARetryOfAnUnreportedBuildStillFindsTheFolderItsOwn() throws Exception {
        List<Artifact> first = stager.stage(url(allowed), MARK, "b1", List.of(iso, sums));
        List<Artifact> again = stager.stage(url(allowed), RETRY, "b1", List.of(sums));

        assertThat(first).extracting(Artifact::name).doesNotContain(StagingMark.FILE);
        assertThat(again).extracting(Artifact::name).containsExactly("SHA256SUMS");
        assertThat(tree(allowed.resolve("b1"))).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder(".fbs-build", "SHA256SUMS");
    }

    @Test
    void aFolderWithoutAMarkerIsRefusedAndLeftUntouched() throws Exception {
        Path made = Files.createDirectories(allowed.resolve("Fedora-x86_64-41-7"));
        Files.writeString(made.resolve("notes.txt"), "a person's notes");
        Path partialToo = Files.createDirectories(allowed.resolve("b1"));
        Files.writeString(partialToo.resolve(StagingMark.PARTIAL), "build=7\n");
        Files.writeString(partialToo.resolve("notes.txt"), "a person's notes");

        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "Fedora-x86_64-41-7", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("already exists and has no .fbs-build marker");
        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("has no .fbs-build marker");

        assertThat(tree(made)).containsExactly(made.resolve("notes.txt"));
        assertThat(made.resolve("notes.txt")).hasContent("a person's notes");
        assertThat(tree(partialToo)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder(StagingMark.PARTIAL, "notes.txt");
    }

    @Test
    void anEmptyFolderOrOneHoldingOnlyAHalfWrittenMarkerIsRefusedFbsMakesItsFoldersMarked() throws Exception {
        // FBS never leaves these (its folders get their name with the marker inside): someone else made them.
        Path empty = Files.createDirectories(allowed.resolve("b1"));
        Path half = Files.createDirectories(allowed.resolve("b2"));
        Files.writeString(half.resolve(StagingMark.PARTIAL), "# FBS staged build 7 into");

        for (String folder : List.of("b1", "b2")) {
            assertThatThrownBy(() -> stager.stage(url(allowed), MARK, folder, List.of(iso)))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("already exists and has no .fbs-build marker");
        }

        assertThat(empty).isEmptyDirectory();
        assertThat(tree(half)).containsExactly(half.resolve(StagingMark.PARTIAL));
        // Nothing of FBS's is left next to them either (the hidden folder it makes first is gone).
        assertThat(tree(allowed)).extracting(p -> allowed.relativize(p).toString())
            .containsExactlyInAnyOrder("b1", "b2", "b2/" + StagingMark.PARTIAL);
    }

    @Test
    void theMarkerNamesTheAttempt() throws Exception {
        stager.stage(url(allowed), RETRY, "b1", List.of(iso));

        assertThat(Files.readString(allowed.resolve("b1/.fbs-build")))
            .contains("build=7\n", "attempt=2\n", "spec-sha256=" + RETRY.spec());
        assertThat(StagingMark.parse(RETRY.text())).isEqualTo(RETRY);
        // A marker from before attempts were recorded counts as older than any attempt.
        assertThat(StagingMark.parse("build=7\nspec-sha256=" + MARK.spec() + "\n").attempt()).isZero();
    }

    @Test
    void anOlderAttemptStillRunningNeverReplacesOrRemovesANewerAttemptsResults() throws Exception {
        // Attempt 1's worker is cut off while staging: it has put one file when the master's attempt 2 takes over.
        Path oldIso = Files.writeString(tmp.resolve("in/old.iso"), "attempt 1's image");
        StagingFolder cutOff = stager.open(url(allowed), MARK, "b1");
        cutOff.put(oldIso, "first.iso");
        List<Artifact> newer = stager.stage(url(allowed), RETRY, "b1", List.of(iso, sums));
        assertThat(newer).extracting(Artifact::name).containsExactly("boot.iso", "SHA256SUMS");

        // Attempt 1 runs on: its next file is refused, and its failure cleanup leaves the folder to attempt 2.
        assertThatThrownBy(() -> cutOff.put(oldIso, "boot.iso"))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("taken over by another attempt of build 7");
        cutOff.close();
        // Attempt 1 staging again later (its log after the failure), and attempt 2 a second time: both refused.
        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "b1", List.of(oldIso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("belongs to attempt 2 of build 7, newer than this attempt 1");
        assertThatThrownBy(() -> stager.stage(url(allowed), RETRY, "b1", List.of(oldIso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("belongs to attempt 2 of build 7, which staged there already");

        Path folder = allowed.resolve("b1");
        assertThat(tree(folder)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder(".fbs-build", "boot.iso", "SHA256SUMS");
        assertThat(folder.resolve("boot.iso")).hasSameBinaryContentAs(iso);
        assertThat(folder.resolve("SHA256SUMS")).hasSameBinaryContentAs(sums);
        assertThat(StagingMark.parse(Files.readString(folder.resolve(".fbs-build")))).isEqualTo(RETRY);
    }

    @Test
    void aFailedAttemptRemovesOnlyWhatItWrote() throws Exception {
        StagingFolder failing = stager.open(url(allowed), MARK, "b1");
        failing.put(iso, "boot.iso");
        Files.writeString(allowed.resolve("b1/notes.txt"), "someone else's file");
        failing.close(); // not committed

        assertThat(tree(allowed.resolve("b1"))).extracting(p -> p.getFileName().toString())
            .containsExactly("notes.txt");
        assertThat(allowed.resolve("b1/notes.txt")).hasContent("someone else's file");
    }

    @Test
    void aFolderWithAnotherBuildsMarkerIsRefusedWithTheReasonAndLeftUntouched() throws Exception {
        stager.stage(url(allowed), BUILD_8, "b8", List.of(iso));
        stager.stage(url(allowed), SAME_NUMBER_OTHER_REQUEST, "b7", List.of(iso));
        Path garbled = Files.createDirectories(allowed.resolve("bx"));
        Files.writeString(garbled.resolve(".fbs-build"), "build=7\n");

        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "b8", List.of(sums)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("belongs to build 8, not 7");
        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "b7", List.of(sums)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("belongs to another build 7");
        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "bx", List.of(sums)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("marker is unreadable");

        for (String folder : List.of("b8", "b7")) {
            assertThat(tree(allowed.resolve(folder))).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder(".fbs-build", "boot.iso");
            assertThat(allowed.resolve(folder).resolve("boot.iso")).hasSameBinaryContentAs(iso);
        }
        assertThat(tree(garbled)).hasSize(1);
    }

    @Test
    void aRetryNeverFollowsLinksOutOfItsFolder() throws Exception {
        // A link named like the build's folder, to a folder outside holding a copy of the build's marker: refused.
        Path decoy = Files.createDirectories(outside.resolve("decoy"));
        Files.writeString(decoy.resolve(".fbs-build"), MARK.text());
        Files.writeString(decoy.resolve("keep.txt"), "outside");
        Files.createSymbolicLink(allowed.resolve("b1"), decoy);

        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("is not a folder");
        assertThat(decoy.resolve("keep.txt")).hasContent("outside");

        // Links inside the build's own folder are removed with it; what they point to stays.
        Path own = Files.createDirectories(allowed.resolve("b2"));
        Files.writeString(own.resolve(".fbs-build"), MARK.text());
        Files.createSymbolicLink(own.resolve("to-outside"), decoy);
        Files.createSymbolicLink(own.resolve("to-a-file"), decoy.resolve("keep.txt"));
        stager.stage(url(allowed), RETRY, "b2", List.of(iso));

        assertThat(tree(own)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder(".fbs-build", "boot.iso");
        assertThat(tree(decoy)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder(".fbs-build", "keep.txt");
    }

    // ---- a local user who can write into a staging root attacks the root worker ---------------------------------

    @Test
    void aPreCreatedFolderWithPlantedLinksIsRefusedAndNothingIsWrittenThroughThem() throws Exception {
        Path victim = Files.writeString(outside.resolve("shadow"), "root's secret file\n");
        Path trap = Files.createDirectories(allowed.resolve("Fedora-x86_64-41-7"));
        for (String name : List.of(".boot.iso.partial", "boot.iso", StagingMark.PARTIAL)) {
            Files.createSymbolicLink(trap.resolve(name), victim);
        }
        // A link to a file holding a perfectly valid marker is no marker either.
        Path forged = Files.writeString(outside.resolve("marker"), MARK.text());
        Files.createSymbolicLink(trap.resolve(StagingMark.FILE), forged);

        for (StagingMark attempt : List.of(MARK, RETRY)) {
            assertThatThrownBy(() -> stager.stage(url(allowed), attempt, "Fedora-x86_64-41-7", List.of(iso)))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("staging folder " + trap + " already exists and has no .fbs-build marker");
        }

        assertThat(victim).hasContent("root's secret file\n");
        assertThat(forged).hasContent(MARK.text());
        assertThat(tree(trap)).hasSize(4).allMatch(Files::isSymbolicLink);
    }

    @Test
    void aFolderAnotherUserMadeIsRefusedEvenWithACopyOfTheBuildsMarkerInIt() throws Exception {
        // The marker's text is no secret (a build number and the hash of a spec its submitter knows): what proves a
        // folder FBS's is that FBS's user made it. Making a folder another user's needs root, as CI runs.
        Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root to chown");
        Path victim = Files.writeString(outside.resolve("shadow"), "root's secret file\n");
        Path trap = Files.createDirectories(allowed.resolve("b1"));
        Files.writeString(trap.resolve(StagingMark.FILE), MARK.text());
        Files.createSymbolicLink(trap.resolve(".boot.iso.partial"), victim);
        UserPrincipal nobody = trap.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
        Files.setOwner(trap, nobody);

        assertThatThrownBy(() -> stager.stage(url(allowed), RETRY, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("staging folder " + trap + " already exists and belongs to user ")
            .hasMessageContaining("so FBS did not make it");

        // The same with only the marker another user's, in a folder of FBS's user: not a marker FBS wrote.
        Path ours = Files.createDirectories(allowed.resolve("b2"));
        Files.setOwner(Files.writeString(ours.resolve(StagingMark.FILE), MARK.text()), nobody);
        assertThatThrownBy(() -> stager.stage(url(allowed), RETRY, "b2", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("has no .fbs-build marker");

        assertThat(victim).hasContent("root's secret file\n");
        assertThat(tree(trap)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder(StagingMark.FILE, ".boot.iso.partial");
    }

    @Test
    void aFolderSwappedForALinkWhileStagingIsNotFollowedTheFilesGoIntoTheFolderFbsMade() throws Exception {
        Path victimDir = Files.createDirectories(outside.resolve("etc"));
        StagingFolder open = stager.open(url(allowed), MARK, "b1");
        // The attacker moves FBS's folder away and puts a link to a folder of their choice in its place.
        Files.move(allowed.resolve("b1"), allowed.resolve("moved"));
        Files.createSymbolicLink(allowed.resolve("b1"), victimDir);

        open.put(iso, "boot.iso");
        open.commit();
        open.close();

        assertThat(victimDir).isEmptyDirectory();
        assertThat(allowed.resolve("moved/boot.iso")).hasSameBinaryContentAs(iso);
    }

    @Test
    void aLinkPlantedUnderATemporaryNameInsideTheOpenFolderIsNeverWrittenThrough() throws Exception {
        Path victim = Files.writeString(outside.resolve("shadow"), "root's secret file\n");
        StagingFolder open = stager.open(url(allowed), MARK, "b1");
        Files.createSymbolicLink(allowed.resolve("b1/.boot.iso.partial"), victim);

        assertThatThrownBy(() -> open.put(iso, "boot.iso"))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("cannot copy boot.iso to " + allowed.resolve("b1"))
            .hasMessageContaining("FileAlreadyExistsException");
        open.close();

        assertThat(victim).hasContent("root's secret file\n");
    }

    @Test
    void aRetryThatFailsTooTakesTheWholeFolderBack() throws Exception {
        stager.stage(url(allowed), MARK, "b1", List.of(iso));

        assertThatThrownBy(() -> stager.stage(url(allowed), RETRY, "b1", List.of(sums, tmp.resolve("gone.iso"))))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("gone.iso");
        assertThat(allowed.resolve("b1")).doesNotExist();
    }

    @Test
    void stagingIntoAFolderThatHoldsOtherBuildsFilesLeavesThemUntouched() throws Exception {
        Path shared = Files.createDirectories(allowed.resolve("images"));
        Path theirs = Files.createDirectories(shared.resolve("Fedora-x86_64-41-6"));
        Files.writeString(theirs.resolve("boot.iso"), "build 6's image");
        Files.writeString(shared.resolve("boot.iso"), "someone's loose file");

        stager.stage(url(shared), MARK, "Fedora-x86_64-41-7", List.of(iso, sums));

        assertThat(theirs.resolve("boot.iso")).hasContent("build 6's image");
        assertThat(shared.resolve("boot.iso")).hasContent("someone's loose file");
        assertThat(tree(theirs)).hasSize(1);
        assertThat(shared.resolve("Fedora-x86_64-41-7/boot.iso")).hasSameBinaryContentAs(iso);
    }

    @Test
    void aStagingUrlOutsideTheAllowedRootsIsRefusedAndNothingIsCreatedThere() {
        assertThatThrownBy(() -> stager.stage(url(outside.resolve("new")), MARK, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("not under");

        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void aSymbolicLinkInsideAnAllowedRootThatPointsOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(allowed.resolve("link"), outside);

        assertThatThrownBy(() -> stager.stage(url(allowed.resolve("link")), MARK, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class);
        assertThatThrownBy(() -> stager.stage(url(allowed.resolve("link/deeper")), MARK, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class);

        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void dotDotThatLeavesTheRootIsRefused() throws Exception {
        String escape = url(allowed) + "/../outside/b";
        String ghost = url(allowed) + "/sub/../../ghost";

        assertThatThrownBy(() -> stager.stage(escape, MARK, "b1", List.of(iso))).isInstanceOf(StagingException.class);
        assertThatThrownBy(() -> stager.stage(ghost, MARK, "b1", List.of(iso))).isInstanceOf(StagingException.class);

        assertThat(outside).isEmptyDirectory();
        assertThat(tmp.resolve("ghost")).doesNotExist();
        assertThat(allowed).isEmptyDirectory();
    }

    @Test
    void dotDotThatStaysInsideTheRootIsAccepted() throws Exception {
        stager.stage(url(allowed) + "/a/../b", MARK, "b1", List.of(sums));

        assertThat(allowed.resolve("b/b1/SHA256SUMS")).hasSameTextualContentAs(sums, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../b1", ".hidden", ".", "..", "", "b 1"})
    void aBadFolderNameIsRefused(String folder) {
        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, folder, List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("folder name");

        assertThat(allowed).isEmptyDirectory();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://10.0.0.27/pub", "http://example.org/x", "file://host/srv/fbs", "file:/srv/fbs",
        "/srv/fbs", "10.0.0.27"})
    void aNonFileUrlIsRefused(String stagingUrl) {
        assertThatThrownBy(() -> stager.stage(stagingUrl, MARK, "b1", List.of(iso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("file:///");
    }

    @Test
    void twoInputsWithTheSameFileNameAreRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path secondIso = Files.writeString(elsewhere.resolve("boot.iso"), "another boot.iso");

        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "b1", List.of(iso, secondIso)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("two files named boot.iso");
        assertThat(allowed.resolve("b1")).doesNotExist();
    }

    @Test
    void aCopyThatFailsHalfwayLeavesNothingBehind() throws Exception {
        Path missing = tmp.resolve("gone.iso");

        assertThatThrownBy(() -> stager.stage(url(allowed), MARK, "b1", List.of(iso, missing)))
            .isInstanceOf(StagingException.class)
            .hasMessageContaining("gone.iso");
        assertThat(allowed.resolve("b1")).doesNotExist();
        assertThat(stager.stage(url(allowed), MARK, "b1", List.of(iso))).hasSize(1);
    }
}
