package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.DvdOptions;
import org.fbs.spec.Kickstart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which dvd route a worker takes, and what is refused at submit for the releases only composes build. */
class DvdRoutesTest {

    static final Path WORK = Path.of("/var/lib/fbs/work/builds/9");
    static final Map<String, String> BOTH = Map.of("pungi", "/usr/bin/pungi", "pungi-koji", "/usr/bin/pungi-koji");

    static BuildSpec dvd(String release, String stage) {
        return PungiKojiComposeTest.dvd(release, new DvdOptions("Fedora", null, "Server", null, false, false, false,
            stage, new Kickstart("dvd.ks", "repo --name=f --baseurl=https://example.org/f/\n")));
    }

    static ImageCommand command(String release, Map<String, String> routes) {
        return ImageKinds.named("dvd").command(dvd(release, "all"), WORK, null,
            new ToolSetup("/usr/bin/pungi", false, null, routes));
    }

    @Test
    void aWorkerWithBothRoutesComposesForFedora41AndLaterAndUsesTheLegacyScriptBefore() {
        assertThat(command("40", BOTH)).isInstanceOf(PungiCommand.class);
        assertThat(command("41", BOTH)).isInstanceOf(PungiKojiCommand.class);
        assertThat(command("42", BOTH)).isInstanceOf(PungiKojiCommand.class);
        assertThat(command("rawhide", BOTH)).isInstanceOf(PungiKojiCommand.class);
        assertThat(command("rawhide", BOTH).arguments().get(0)).isEqualTo("/usr/bin/pungi-koji");
        assertThat(command("40", BOTH).arguments().get(0)).isEqualTo("/usr/bin/pungi");
        assertThat(command("40", BOTH).notes()).containsExactly("dvd route: the legacy pungi script (/usr/bin/pungi)");
    }

    @Test
    void aWorkerWithOneRouteTakesItForEveryRelease() {
        Map<String, String> legacy = Map.of("pungi", "/opt/pungi-legacy");
        Map<String, String> compose = Map.of("pungi-koji", "/opt/pungi-koji");
        for (String release : List.of("38", "40", "41", "rawhide")) {
            assertThat(command(release, legacy).arguments().get(0)).isEqualTo("/opt/pungi-legacy");
            assertThat(command(release, compose).arguments().get(0)).isEqualTo("/opt/pungi-koji");
            assertThat(command(release, compose).notes()).first().isEqualTo(
                "dvd route: a pungi-koji compose (/opt/pungi-koji)");
        }
        assertThat(DvdRoute.choose(dvd("41", "all"), List.of())).isNull();
    }

    /** The capability the probe computes from both tools' answers (ToolProbeTest runs the stand-ins). */
    @Test
    void theRoutesFollowEachToolsOwnVersion() {
        ImageKind kind = ImageKinds.named("dvd");
        ToolAnswers legacy = new ToolAnswers(Map.of("--version", "pungi-4.3.2-1.fc38.noarch"));
        ToolAnswers gatherOnly = new ToolAnswers(Map.of("--version", "pungi-4.9.0-1.fc41.noarch"));
        ToolAnswers koji = new ToolAnswers(Map.of("--version", "pungi-4.10.1-1.fc42.noarch"));

        assertThat(kind.capability(Map.of("pungi", gatherOnly, "pungi-koji", koji), Map.of()))
            .isEqualTo(Capability.available("pungi-4.10.1-1.fc42.noarch", List.of("pungi-koji")));
        assertThat(kind.capability(Map.of("pungi", legacy, "pungi-koji", koji), Map.of()).routes())
            .containsExactly("pungi", "pungi-koji");
        assertThat(kind.capability(Map.of("pungi", legacy), Map.of("pungi-koji", "not found")).routes())
            .containsExactly("pungi");
        assertThat(kind.capability(Map.of("pungi-koji", koji), Map.of("pungi", "not found")).routes())
            .containsExactly("pungi-koji");
        assertThat(kind.capability(Map.of("pungi", gatherOnly), Map.of("pungi-koji", "not found")).usable()).isFalse();
        assertThat(kind.tools()).containsExactly("pungi", "pungi-koji");
        assertThat(kind.defaultProgram("pungi-koji")).isEqualTo("/usr/bin/pungi-koji");
        assertThat(ImageKinds.defaultPrograms()).containsEntry("pungi", "/usr/bin/pungi")
            .containsEntry("pungi-koji", "/usr/bin/pungi-koji");
    }

    /**
     * A compose starts empty: for the releases only composes build, a stage that needs the ones before it is refused
     * at submit with the reason; all and -G (gather only) are taken, and older releases keep every stage.
     */
    @Test
    void aStageAComposeCannotHonourIsRefusedForTheReleasesOnlyComposesBuild() {
        ImageKind kind = ImageKinds.named("dvd");
        for (String release : List.of("41", "42", "rawhide")) {
            assertThat(kind.refusals(dvd(release, "all"))).isEmpty();
            assertThat(kind.refusals(dvd(release, "-G"))).isEmpty();
            for (String stage : List.of("-C", "-B", "-I")) {
                assertThat(kind.refusals(dvd(release, stage))).containsExactly("[dvd] stage: " + stage
                    + " cannot be honoured for release " + release + ": its DVDs are made by a pungi-koji compose"
                    + " (Fedora 41 and later have no legacy pungi), which starts from nothing and cannot run " + stage
                    + " without the stages before it; use all, or -G to only gather the packages");
            }
        }
        for (String stage : List.of("-C", "-B", "-I")) {
            assertThat(kind.refusals(dvd("40", stage))).isEmpty();
        }
    }

    /** A volume id neither route can make (more than 32 characters after the legacy shortenings) is refused. */
    @Test
    void aDvdWhoseVolumeIdCannotFitIsRefusedAtSubmit() {
        ImageKind kind = ImageKinds.named("dvd");
        BuildSpec fits = PungiKojiComposeTest.dvd("rawhide", new DvdOptions("FedoraWorkstationRespin", null, null,
            null, false, false, false, "all", new Kickstart("dvd.ks", "")));
        assertThat(PungiDvd.volumeId(fits)).isEqualTo("FedoraWSRespin-rawhide-x86_64");
        assertThat(kind.refusals(fits)).isEmpty();
        BuildSpec tooLong = PungiKojiComposeTest.dvd("41", new DvdOptions("FedoraRespinForTheTestDay", "41.20261205",
            null, null, false, false, false, "all", new Kickstart("dvd.ks", "")));
        assertThat(kind.refusals(tooLong)).containsExactly("[dvd] name: the DVD's volume id would be"
            + " 'FedoraRespinForTheTestDay-41.20261205-x86_64' (44 characters), and pungi takes at most 32; use a"
            + " shorter name or version");
    }

    /**
     * Both routes give the same results: for one spec, the legacy script (stand-in of pungi 4.3.2) and a compose
     * (stand-in of pungi-koji 4.9, given the config FBS writes) leave ISOs of the same names, so that the build stages
     * the same files (its CHECKSUM, kickstart and log are FBS's own, named the same on both routes).
     */
    @Test
    void aLegacyAndAComposeBuildOfOneSpecStageTheSameFileNames(@TempDir Path work) throws Exception {
        String repo = ReleaseRepo.make(work.resolve("release"));
        String kickstart = "repo --name=release --baseurl=" + repo + "\n%packages\n@somegroup\nkernel\n%end\n";
        // the legacy pungi names the DVD after the host's arch (no --arch with all stages): build for this host's
        String arch = hostArch();
        int n = 0;
        // without a flavor; with one and source ISOs; with one and a version of its own
        for (Object[] shape : new Object[][] {{null, false, null}, {"Server", true, null}, {"Server", false, "42.1"}}) {
            String flavor = (String) shape[0];
            boolean sourceisos = (Boolean) shape[1];
            String version = (String) shape[2];
            BuildSpec spec = new BuildSpec(org.fbs.spec.ImageType.DVD, arch, "41",
                BuildSpec.WORKER_STAGING, List.of(), org.fbs.spec.KojiPackages.NONE, null,
                new DvdOptions("Fedora", version, flavor, null, false, sourceisos, false, "all",
                    new Kickstart("dvd.ks", kickstart)), null);
            Path legacyDir = work.resolve("legacy-" + n);
            Path composeDir = work.resolve("compose-" + n++);
            PungiCommand legacy = new PungiCommand(PungiKojiComposeTest.STANDINS.resolve("pungi").toString(),
                spec, legacyDir, null);
            PungiKojiCommand compose = new PungiKojiCommand(
                PungiKojiComposeTest.STANDINS.resolve("pungi-koji").toString(), spec, composeDir, null, true,
                new RepoReader(java.time.Duration.ofSeconds(10)));
            List<String> legacyNames = staged(legacy, kickstart);
            List<String> composeNames = staged(compose, kickstart);
            assertThat(composeNames).as(spec.dvd().toString()).isEqualTo(legacyNames);
            String base = "Fedora" + (flavor == null ? "" : "-" + flavor) + "-"
                + (version == null ? "41" : version);
            List<String> expected = new ArrayList<>(List.of(base + "-" + arch + "-DVD.iso",
                base + "-" + arch + "-netinst.iso", "dvd.ks"));
            if (sourceisos) {
                expected.add(base + "-source-DVD.iso");
            }
            assertThat(composeNames).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(PungiDvd.isoName(spec)).isEqualTo(base + "-" + arch + "-DVD.iso");
            // and the same volume id: the legacy NAME-VERSION-ARCH (pungi: image_volid_formats)
            String dvd = base + "-" + arch + "-DVD.iso";
            assertThat(volumeId(find(composeDir, dvd))).isEqualTo(volumeId(find(legacyDir, dvd)))
                .isEqualTo("Fedora-" + (version == null ? "41" : version) + "-" + arch);
        }
    }

    /** The ISO 9660 primary volume descriptor's volume identifier (sector 16, bytes 40 to 72). */
    private static String volumeId(Path iso) throws Exception {
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(iso.toFile(), "r")) {
            byte[] id = new byte[32];
            file.seek(16 * 2048 + 40);
            file.readFully(id);
            return new String(id, StandardCharsets.US_ASCII).strip();
        }
    }

    private static Path find(Path dir, String name) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().equals(name)).findFirst().orElseThrow();
        }
    }

    /** Runs {@code command} as the build runner does; the names of the ISOs it wrote and of its staged input. */
    private static List<String> staged(ImageCommand command, String kickstart) throws Exception {
        for (Map.Entry<Path, String> file : command.supportFiles(kickstart, line -> { }).entrySet()) {
            Files.createDirectories(file.getKey().getParent());
            Files.writeString(file.getKey(), file.getValue());
        }
        Files.createDirectories(command.input().getParent());
        Files.writeString(command.input(), command.inputText(kickstart));
        PungiKojiComposeTest.run(command.arguments(), 0);
        TreeSet<String> names = new TreeSet<>();
        command.isos().forEach(p -> names.add(p.getFileName().toString()));
        names.add(command.input().getFileName().toString());
        return List.copyOf(names);
    }

    private static String hostArch() throws Exception {
        Process uname = new ProcessBuilder("uname", "-m").start();
        String arch = new String(uname.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        uname.waitFor();
        return arch;
    }
}
