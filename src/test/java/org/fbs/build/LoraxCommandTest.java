package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lorax argument list for boot specs, checked against lorax 46's parser ({@code src/pylorax/cmdline.py}
 * lorax_parser) and {@code src/sbin/lorax}: at least one -s, each repository once, --nomacboot without hfsplus-tools.
 */
class LoraxCommandTest {

    static final Path WORK = Path.of("/var/lib/fbs/work/builds/7");

    static BuildSpec spec(String ini) throws Exception {
        return SpecParser.fromIni(ini);
    }

    @Test
    void aMinimalSpecGetsFedorasRepoOnceAndWorkerChosenPaths() throws Exception {
        BuildSpec spec = spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n");

        // Before: the default repo went in twice, as -s URL and -m METALINK: two repos of the same content.
        assertThat(new LoraxCommand("/usr/sbin/lorax", spec, WORK, null, false).arguments()).containsExactly(
            "/usr/sbin/lorax",
            "-p", "Fedora",
            "-v", "41",
            "-r", "41",
            "-s", "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/",
            "--buildarch", "x86_64",
            "--logfile", "/var/lib/fbs/work/builds/7/lorax.log",
            "--tmp", "/var/lib/fbs/work/builds/7/tmp",
            "/var/lib/fbs/work/builds/7/lorax-out");
    }

    @Test
    void eachRepoGoesInOnceItsBaseUrlBeforeItsMirrorListAndRequestPathsAreIgnored() throws Exception {
        BuildSpec spec = spec("""
            [DEFAULT]
            type=boot
            arch=aarch64
            release=40
            [boot]
            product=Fedora
            version=40
            updates=1
            updates-testing=1
            40_url=http://mirror.example.org/releases/40/Everything/aarch64/os/
            40_mirror=https://mirrors.fedoraproject.org/metalink?repo=fedora-40&arch=aarch64
            40-updates_url=http://mirror.example.org/updates/40/Everything/aarch64/
            40-updates-testing_mirror=https://mirrors.fedoraproject.org/metalink?repo=updates-testing-f40&arch=aarch64
            proxy=http://proxy.example.org:3128
            outdir=/etc
            workdir=/root
            """);

        List<String> args = new LoraxCommand("lorax", spec, WORK, null).arguments();

        // 40 has both: its base URL only. 40-updates-testing has only a mirror list: that, once.
        assertThat(args).containsSubsequence(
            "-s", "http://mirror.example.org/releases/40/Everything/aarch64/os/",
            "-s", "http://mirror.example.org/updates/40/Everything/aarch64/",
            "-m", "https://mirrors.fedoraproject.org/metalink?repo=updates-testing-f40&arch=aarch64",
            "--proxy", "http://proxy.example.org:3128",
            "--buildarch", "aarch64");
        assertThat(args).filteredOn(a -> a.equals("-s")).hasSize(2);
        assertThat(args).filteredOn(a -> a.equals("-m")).hasSize(1);
        assertThat(args).doesNotContain("https://mirrors.fedoraproject.org/metalink?repo=fedora-40&arch=aarch64");
        assertThat(args).noneMatch(a -> a.startsWith("/etc") || a.startsWith("/root"));
        assertThat(args.get(args.size() - 1)).isEqualTo(WORK.resolve("lorax-out").toString());
    }

    @Test
    void aSideRepoComesAfterTheReleaseReposAsAFileUrl() throws Exception {
        BuildSpec spec = spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n[boot]\nupdates=1\n");

        List<String> args = new LoraxCommand("lorax", spec, WORK, WORK.resolve("side-repo")).arguments();

        assertThat(args).containsSubsequence(
            "-s", "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/",
            "-s", "https://dl.fedoraproject.org/pub/fedora/linux/updates/41/Everything/x86_64/",
            "-s", "file:///var/lib/fbs/work/builds/7/side-repo");
        assertThat(args).filteredOn(a -> a.equals("-s")).hasSize(3);
        assertThat(args).doesNotContain("-m");
    }

    @Test
    void buildarchIsOneOptionWithItsValueNotTheBrokenFormOf2012() throws Exception {
        List<String> args = new LoraxCommand("lorax", spec("[DEFAULT]\ntype=boot\narch=ppc64le\nrelease=rawhide\n"),
            WORK, null).arguments();

        int at = args.indexOf("--buildarch");
        assertThat(args.get(at + 1)).isEqualTo("ppc64le");
        assertThat(args).doesNotContain("--buildarch=").noneMatch(a -> a.startsWith("--buildarch="));
        assertThat(args).containsSequence("-r", "rawhide");
    }

    @Test
    void theIsoIsWhereLoraxWritesIt() throws Exception {
        LoraxCommand lorax = new LoraxCommand("lorax", spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n"), WORK,
            null);

        assertThat(lorax.bootIso()).isEqualTo(WORK.resolve("lorax-out/images/boot.iso"));
    }

    @Test
    void withoutHfsplusToolsLoraxIsToldNoMacBootAndWithThemNot() throws Exception {
        BuildSpec spec = spec("[DEFAULT]\ntype=boot\narch=aarch64\nrelease=41\n");

        // Before: never passed, and lorax exits 1 on workers without hfsplus-tools (aarch64, ppc64le, s390x).
        assertThat(new LoraxCommand("lorax", spec, WORK, null, true).arguments()).containsOnlyOnce("--nomacboot");
        assertThat(new LoraxCommand("lorax", spec, WORK, null, false).arguments()).doesNotContain("--nomacboot");
        assertThat(ImageKinds.of(spec).command(spec, WORK, null, new ToolSetup("lorax", false, null)).arguments())
            .contains("--nomacboot");
        assertThat(ImageKinds.of(spec).command(spec, WORK, null, new ToolSetup("lorax", true, null)).arguments())
            .doesNotContain("--nomacboot");
    }

    /**
     * The stand-in lorax on a host with hfsplus-tools: a {@code mkfs.hfsplus} on its PATH, so that it makes the Mac
     * boot image as lorax does by default.
     */
    static ProcessBuilder withHfsplus(List<String> arguments, Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("hfsplus-bin"));
        Path mkfs = Files.writeString(bin.resolve("mkfs.hfsplus"), "#!/bin/sh\nexit 0\n");
        mkfs.toFile().setExecutable(true);
        ProcessBuilder builder = new ProcessBuilder(arguments).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        return builder;
    }

    /** The same argument list, given to the lorax stand-in (it parses options as lorax does), makes an ISO. */
    @Test
    void theStandInLoraxAcceptsTheArgumentList(@TempDir Path work) throws Exception {
        BuildSpec spec = spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n[boot]\nproxy=http://proxy:3128\n");
        LoraxCommand lorax = new LoraxCommand(Path.of("src/test/standins/lorax").toAbsolutePath().toString(), spec,
            work, null, false);

        Process process = withHfsplus(lorax.arguments(), work).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(Files.size(lorax.bootIso())).isPositive();
    }

    @Test
    void aVolumeIdIsGivenOnlyWhenLoraxsOwnWouldPassItsLimitOf32() throws Exception {
        LoraxCommand fits = new LoraxCommand("lorax", spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n"
            + "[boot]\nproduct=Fedora-Workstation-Liv\n"), WORK, null); // "Fedora-Workstation-Liv-41-x86_64": 32
        LoraxCommand tooLong = new LoraxCommand("lorax", spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n"
            + "[boot]\nproduct=Fedora Workstation Live\n"), WORK, null);
        LoraxCommand longVersion = new LoraxCommand("lorax", spec("[DEFAULT]\ntype=boot\narch=ppc64le\nrelease=41\n"
            + "[boot]\nproduct=Fedora\nversion=41.20261126.0.nightly-respin-2\n"), WORK, null);

        assertThat(fits.arguments()).doesNotContain("--volid");
        assertThat(tooLong.volid()).isEqualTo("Fedora-Workstation-Liv-41-x86_64");
        assertThat(tooLong.arguments()).containsSequence("--volid", "Fedora-Workstation-Liv-41-x86_64");
        assertThat(longVersion.volid()).hasSize(32).startsWith("F-41.20261126.0.nightly-respin-2");
    }

    /** The stand-in refuses a volume id over 32 characters as lorax does; with the shortened one it builds. */
    @Test
    void theStandInLoraxBuildsALongProductWithTheSideRepo(@TempDir Path work) throws Exception {
        Path side = Files.createDirectories(work.resolve("side-repo/repodata"));
        Files.writeString(side.resolve("repomd.xml"), "<repomd/>\n");
        BuildSpec spec = spec("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n[boot]\nproduct=Fedora Workstation Live\n");
        LoraxCommand lorax = new LoraxCommand(Path.of("src/test/standins/lorax").toAbsolutePath().toString(), spec,
            work.resolve("build"), side.getParent(), false);
        Files.createDirectories(work.resolve("build"));

        Process process = withHfsplus(lorax.arguments(), work).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("Added 'lorax-repo-1': file://" + side.getParent());
        assertThat(Files.size(lorax.bootIso())).isPositive();
    }
}
