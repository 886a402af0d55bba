package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.DvdOptions;
import org.fbs.spec.ImageType;
import org.fbs.spec.Kickstart;
import org.fbs.spec.KojiPackages;
import org.fbs.spec.LiveOptions;
import org.fbs.standins.ToolFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The livemedia-creator, kiwi-ng and pungi argument lists, checked against the tools' documented options, and then
 * given to the test stand-ins (which parse them as the tools do) to show that they build.
 */
class ImageCommandsTest {

    static final Path WORK = Path.of("/var/lib/fbs/work/builds/9");
    static final Path SIDE = Path.of("/var/lib/fbs/work/builds/9/side-repo");
    static final Path STANDINS = Path.of("src/test/standins").toAbsolutePath();
    static final String FEDORA = "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/";

    static BuildSpec live(LiveOptions options) {
        return new BuildSpec(ImageType.LIVE, "x86_64", "41", BuildSpec.WORKER_STAGING, List.of(), KojiPackages.NONE,
            null, null, options);
    }

    static BuildSpec dvd(DvdOptions options) {
        return new BuildSpec(ImageType.DVD, "x86_64", "41", BuildSpec.WORKER_STAGING, List.of(), KojiPackages.NONE,
            null, options, null);
    }

    static LiveOptions lmc(String label, String title) {
        return new LiveOptions(LiveOptions.LIVEMEDIA_CREATOR, label, title, "Fedora", "41", null,
            new Kickstart("fedora-live.ks", "url --url=" + FEDORA + "\n"));
    }

    static LiveOptions kiwi(String profile) {
        return new LiveOptions(LiveOptions.KIWI, null, null, "Fedora", "41", profile,
            new Kickstart("Fedora.kiwi", "<image/>"));
    }

    static DvdOptions dvdOptions(String stage, boolean flags) {
        return new DvdOptions("Fedora", "41", "Server", "https://bugz.fedoraproject.org", flags, flags, flags, stage,
            new Kickstart("dvd.ks", "repo --name=fedora --baseurl=" + FEDORA + "\n"));
    }

    static String run(List<String> args) throws Exception {
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    // ---- livemedia-creator ------------------------------------------------------------------------------------

    @Test
    void livemediaCreatorMakesAnIsoWithoutVirtFromTheFlatKickstartInPathsTheWorkerChose() {
        LiveMediaCreatorCommand lmc = new LiveMediaCreatorCommand("/usr/sbin/livemedia-creator",
            live(lmc("Fedora-WS-Live-41", null)), WORK, SIDE, null);

        assertThat(lmc.arguments()).containsExactly("/usr/sbin/livemedia-creator",
            "--make-iso", "--no-virt",
            "--ks", "/var/lib/fbs/work/builds/9/live.ks",
            "--resultdir", "/var/lib/fbs/work/builds/9/lmc-results",
            "--project", "Fedora",
            "--releasever", "41",
            "--volid", "Fedora-WS-Live-41",
            "--iso-only",
            "--iso-name", "Fedora-Live-x86_64-41.iso",
            "--logfile", "/var/lib/fbs/work/builds/9/livemedia.log",
            "--tmp", "/var/lib/fbs/work/builds/9/tmp");
        assertThat(lmc.iso()).isEqualTo(WORK.resolve("lmc-results/Fedora-Live-x86_64-41.iso"));
    }

    /** lorax 46 lmc_parser has no --title (gone since lorax 32): the key is accepted, not passed, and said so. */
    @Test
    void livemediaCreatorNeverGetsTheTitleTheLogSaysWhyAndAVolumeIdFitsWhenNoLabelIs() {
        LiveOptions noLabel = new LiveOptions(LiveOptions.LIVEMEDIA_CREATOR, null, "Fedora Workstation Live",
            "Fedora Workstation Spin Remix", "41", null, new Kickstart("x.ks", ""));
        LiveMediaCreatorCommand lmc = new LiveMediaCreatorCommand("lmc", live(noLabel), WORK, null, null);

        // Before: "--title Fedora Workstation Live", which lmc refuses ("unrecognized arguments").
        assertThat(lmc.arguments()).doesNotContain("--title", "Fedora Workstation Live");
        assertThat(lmc.notes()).singleElement().asString()
            .contains("[live] title 'Fedora Workstation Live' is not passed").contains("lorax 32");
        assertThat(new LiveMediaCreatorCommand("lmc", live(lmc("L", null)), WORK, null, null).notes()).isEmpty();
        assertThat(lmc.volid()).hasSizeLessThanOrEqualTo(32).startsWith("Fedora-Workstation-Spin-Remix-Li");
        assertThat(lmc.isoName()).isEqualTo("Fedora-Workstation-Spin-Remix-Live-x86_64-41.iso");
    }

    /**
     * With {@code worker.isolation: virt}, lmc installs in a VM booted from the isolation boot.iso: {@code --iso}
     * instead of {@code --no-virt} (src/sbin/livemedia-creator: "virt install needs an install iso.").
     */
    @Test
    void livemediaCreatorRunsOnTheHostWithoutIsolationAndInAVmBootedFromTheBootIsoWithVirt() {
        Path bootIso = Path.of("/srv/fbs/isolation/boot.iso");
        BuildSpec spec = live(lmc("Fedora-WS-Live-41", null));
        List<String> host = ImageKinds.of(spec).command(spec, WORK, SIDE, ToolSetup.of("lmc")).arguments();
        List<String> virt = ImageKinds.of(spec).command(spec, WORK, SIDE, new ToolSetup("lmc", false, bootIso))
            .arguments();

        assertThat(host).containsSequence("lmc", "--make-iso", "--no-virt").doesNotContain("--iso");
        assertThat(virt).containsSequence("lmc", "--make-iso", "--iso", "/srv/fbs/isolation/boot.iso")
            .doesNotContain("--no-virt");
        // Everything else is the same in both modes.
        assertThat(virt.subList(4, virt.size())).isEqualTo(host.subList(3, host.size()));
    }

    @Test
    void theSideRepositoryGoesIntoTheKickstartNotOnTheCommandLine() {
        LiveMediaCreatorCommand with = new LiveMediaCreatorCommand("lmc", live(lmc("L", null)), WORK, SIDE, null);
        LiveMediaCreatorCommand without = new LiveMediaCreatorCommand("lmc", live(lmc("L", null)), WORK, null, null);

        assertThat(with.kickstart("url --url=" + FEDORA + "\n")).startsWith("# Added by FBS")
            .contains("\nrepo --name=fbs-side --baseurl=file:///var/lib/fbs/work/builds/9/side-repo\nurl --url=");
        assertThat(without.kickstart("url --url=" + FEDORA + "\n")).isEqualTo("url --url=" + FEDORA + "\n");
        assertThat(with.arguments()).noneMatch(a -> a.contains("side-repo"));
    }

    @Test
    void theStandInLivemediaCreatorAcceptsTheArgumentList(@TempDir Path work) throws Exception {
        Path side = Files.createDirectories(work.resolve("side-repo/repodata")).getParent();
        Files.writeString(side.resolve("repodata/repomd.xml"), "<repomd/>\n");
        LiveMediaCreatorCommand lmc = new LiveMediaCreatorCommand(STANDINS.resolve("livemedia-creator").toString(),
            live(lmc("Fedora-WS-Live-41", "Fedora Live")), work, side, null);
        Files.writeString(lmc.kickstartFile(), lmc.kickstart(ToolFixtures.liveKickstart(FEDORA)));

        String output = run(lmc.arguments());

        assertThat(Files.size(lmc.iso())).isPositive();
        assertThat(output).contains("volid='Fedora-WS-Live-41'");
    }

    // ---- kiwi-ng ----------------------------------------------------------------------------------------------

    @Test
    void kiwiBuildsTheIsoTypeOfTheProfileWithTheSideRepoAddedFirstInPriority() {
        KiwiCommand kiwi = new KiwiCommand("/usr/bin/kiwi-ng", live(kiwi("Workstation-Live")), WORK, SIDE);

        assertThat(kiwi.arguments()).containsExactly("/usr/bin/kiwi-ng",
            "--type=iso", "--profile=Workstation-Live", "--kiwi-file=Fedora.kiwi",
            "system", "build",
            "--description", "/var/lib/fbs/work/builds/9/kiwi-description",
            "--target-dir", "/var/lib/fbs/work/builds/9/kiwi-out",
            "--add-repo=file:///var/lib/fbs/work/builds/9/side-repo,rpm-md,fbs-side,1");
        assertThat(kiwi.descriptionFile()).isEqualTo(WORK.resolve("kiwi-description/Fedora.kiwi"));
    }

    @Test
    void kiwiWithoutProfileOrSideRepoLeavesThoseOptionsOut() {
        assertThat(new KiwiCommand("kiwi-ng", live(kiwi(null)), WORK, null).arguments())
            .noneMatch(a -> a.startsWith("--profile") || a.startsWith("--add-repo"));
    }

    @Test
    void theStandInKiwiAcceptsTheArgumentListAndTheIsoIsFound(@TempDir Path work) throws Exception {
        Path side = Files.createDirectories(work.resolve("side-repo/repodata")).getParent();
        Files.writeString(side.resolve("repodata/repomd.xml"), "<repomd/>\n");
        KiwiCommand kiwi = new KiwiCommand(STANDINS.resolve("kiwi-ng").toString(), live(kiwi("Workstation-Live")),
            work, side);
        Files.createDirectories(kiwi.descriptionDir());
        Files.writeString(kiwi.descriptionFile(), ToolFixtures.KIWI_DESCRIPTION);

        run(kiwi.arguments());

        assertThat(kiwi.isos()).singleElement()
            .satisfies(iso -> assertThat(iso.getFileName().toString()).startsWith("Fedora-Live.").endsWith("-" + ToolFixtures.KIWI_VERSION + ".iso"));
    }

    // ---- pungi ------------------------------------------------------------------------------------------------

    @Test
    void pungiGetsEveryDvdOptionAndTheWorkersPaths() {
        PungiCommand pungi = new PungiCommand("/usr/bin/pungi", dvd(dvdOptions("all", true)), WORK, SIDE);

        assertThat(pungi.arguments()).containsExactly("/usr/bin/pungi",
            "-c", "/var/lib/fbs/work/builds/9/dvd.ks",
            "--name", "Fedora",
            "--ver", "41",
            "--flavor", "Server",
            "--destdir", "/var/lib/fbs/work/builds/9/pungi-dest",
            "--cachedir", "/var/lib/fbs/work/builds/9/pungi-cache",
            "--bugurl", "https://bugz.fedoraproject.org",
            "--nosource", "--sourceisos", "--force",
            "--all-stages");
    }

    @Test
    void pungiRunsOneStageWhenAskedAndLeavesOutWhatIsNotSet() {
        DvdOptions bare = new DvdOptions("Fedora", "41", null, null, false, false, false, "-G",
            new Kickstart("dvd.ks", ""));

        List<String> args = new PungiCommand("pungi", dvd(bare), WORK, null).arguments();

        assertThat(args).endsWith("-G").doesNotContain("--flavor", "--bugurl", "--nosource", "--sourceisos",
            "--force", "--all-stages");
        assertThat(new PungiCommand("pungi", dvd(bare), WORK, SIDE).kickstart("%packages\n%end\n"))
            .contains("repo --name=fbs-side --baseurl=file://" + SIDE + "\n%packages");
    }

    @Test
    void theStandInPungiAcceptsTheArgumentListAndTheDvdAndSourceIsosAreFoundButNotTheTreesBootIso(
        @TempDir Path work) throws Exception {
        DvdOptions options = new DvdOptions("Fedora", "41", "Server", null, false, true, false, "all",
            new Kickstart("dvd.ks", ""));
        PungiCommand pungi = new PungiCommand(STANDINS.resolve("pungi").toString(), dvd(options), work, null);
        Files.writeString(pungi.kickstartFile(), pungi.kickstart("repo --name=fedora --baseurl=" + FEDORA + "\n"));

        run(pungi.arguments());

        assertThat(pungi.isos()).extracting(p -> p.getFileName().toString())
            .hasSize(3)
            .anyMatch(n -> n.startsWith("Fedora-Server-41-") && n.endsWith("-DVD.iso"))
            .anyMatch(n -> n.endsWith("-netinst.iso"))
            .contains("Fedora-Server-41-source-DVD.iso")
            .doesNotContain("boot.iso");
    }
}
