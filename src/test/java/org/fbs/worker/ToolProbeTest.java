package org.fbs.worker;

import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.TestTools;
import org.fbs.testkit.WorkerSettingsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.fbs.config.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker finds of its tools at start, and what it can build with them. Tools are the test stand-ins. */
class ToolProbeTest {

    static final Path STANDINS = TestTools.STANDINS;

    @TempDir
    Path tmp;

    WorkerSettings settings(Map<String, String> tools) {
        return WorkerSettingsBuilder.worker(tmp.resolve("work")).id("w").stagingRoots(tmp).tools(tools).build();
    }

    @Test
    void aToolThatIsThereIsAskedItsVersionWithTheFlagItKnows() {
        ToolProbe.Tool lorax = ToolProbe.probe("lorax", STANDINS.resolve("lorax").toString(), tmp);
        ToolProbe.Tool kiwi = ToolProbe.probe("kiwi-ng", STANDINS.resolve("kiwi-ng").toString(), tmp);
        ToolProbe.Tool ksflatten = ToolProbe.probe("ksflatten", STANDINS.resolve("ksflatten").toString(), tmp);

        assertThat(lorax.usable()).isTrue();
        assertThat(lorax.version()).isEqualTo("lorax-46.0");
        assertThat(kiwi.version()).isEqualTo("KIWI (next generation) version 9.24.56");
        assertThat(ksflatten.usable()).isTrue();
        assertThat(ksflatten.version()).as("ksflatten has no cheap version flag: presence only").isNull();
    }

    @Test
    void aMissingOrNonExecutableToolIsNotUsableAndSaysWhy() throws Exception {
        Path plain = Files.writeString(tmp.resolve("pungi"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(ToolProbe.probe("pungi", tmp.resolve("nope/pungi").toString(), tmp).problem()).isEqualTo("not found");
        assertThat(ToolProbe.probe("pungi", plain.toString(), tmp).problem()).isEqualTo("not an executable file");
        assertThat(ToolProbe.probe("pungi", "no-such-program-fbs", tmp).problem()).isEqualTo("not found");
    }

    @Test
    void aBareProgramNameIsLookedUpOnThePath() {
        ToolProbe.Tool sh = ToolProbe.probe("ksflatten", "sh", tmp);

        assertThat(sh.usable()).isTrue();
        assertThat(Path.of(sh.program())).isAbsolute().hasFileName("sh");
    }

    @Test
    void theKindsAWorkerCanBuildFollowFromItsToolsAndAMissingOneNamesTheSetting() {
        ToolProbe.Tools tools = ToolProbe.probe(settings(Map.of(
            "lorax", STANDINS.resolve("lorax").toString(),
            "livemedia-creator", tmp.resolve("absent").toString(),
            "kiwi-ng", STANDINS.resolve("kiwi-ng").toString(),
            "pungi", STANDINS.resolve("pungi").toString(),
            "pungi-koji", tmp.resolve("absent").toString(),
            "ksflatten", tmp.resolve("absent").toString())));

        assertThat(tools.kinds()).containsExactly("boot", "live-kiwi", "dvd");
        assertThat(tools.usable("ksflatten")).isFalse();
        assertThat(tools.whyNot("live")).isEqualTo("this worker cannot build live images: livemedia-creator not found"
            + " (worker.tools.livemedia-creator)");
    }

    /** These tools, and every other one at a path that does not exist: nothing from the host's PATH. */
    private Map<String, String> only(Map<String, String> given) {
        return TestTools.only(given);
    }

    /** A tool that prints {@code text} for {@code --version} and nothing else, as a shell script. */
    private Path printing(String name, String text) throws Exception {
        Path script = Files.writeString(tmp.resolve(name), "#!/bin/sh\n[ \"$1\" = --version ] && echo '" + text
            + "' && exit 0\nexit 2\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /**
     * pungi 4.8 and later only gather (pungi/scripts/pungi.py); such a worker does not announce dvd and says why,
     * while one with the legacy script (4.3.2) does.
     */
    @Test
    void aWorkerWhosePungiOnlyGathersDoesNotBuildDvdsAndSaysWhy() throws Exception {
        ToolProbe.Tools gathering = ToolProbe.probe(settings(only(Map.of(
            "lorax", STANDINS.resolve("lorax").toString(),
            "pungi", printing("pungi-4.9", "4.9.1").toString()))));
        ToolProbe.Tools legacy = ToolProbe.probe(settings(only(Map.of(
            "pungi", printing("pungi-4.3", "4.3.2").toString()))));

        assertThat(gathering.kinds()).contains("boot").doesNotContain("dvd");
        assertThat(gathering.announced()).containsEntry("boot", "available")
            .containsEntry("dvd", "its pungi (4.9.1) only gathers packages (pungi 4.8 and later), and its pungi-koji"
                + " (worker.tools.pungi-koji) not found; DVDs need the legacy pungi before 4.8, or pungi-koji 4.8 or"
                + " later for a compose")
            .containsKeys("live", "live-kiwi");
        assertThat(gathering.whyNot("dvd")).isEqualTo("this worker cannot build dvd images: pungi its pungi (4.9.1)"
            + " only gathers packages (pungi 4.8 and later), and its pungi-koji (worker.tools.pungi-koji) not found;"
            + " DVDs need the legacy pungi before 4.8, or pungi-koji 4.8 or later for a compose (worker.tools.pungi)");
        assertThat(legacy.kinds()).containsExactly("dvd");
        assertThat(legacy.byName().get("pungi").version()).isEqualTo("4.3.2");
        assertThat(legacy.announced().get("boot")).isEqualTo("not found");
    }

    /**
     * The dvd kind has two routes: the legacy pungi script (before 4.8) and a pungi-koji compose (4.8 and later). The
     * probe asks both (pungi-koji --version prints get_full_version(), pungi/scripts/pungi_koji.py) and the worker
     * announces dvd with each route it has; with neither it says why, naming both settings.
     */
    @Test
    void theProbeFindsEachDvdRouteAndAWorkerWithNeitherSaysWhy() throws Exception {
        String koji = STANDINS.resolve("pungi-koji").toString();
        ToolProbe.Tools compose = ToolProbe.probe(settings(only(Map.of(
            "pungi", STANDINS.resolve("pungi-4.9").toString(), "pungi-koji", koji))));
        ToolProbe.Tools both = ToolProbe.probe(settings(only(Map.of(
            "pungi", STANDINS.resolve("pungi").toString(), "pungi-koji", koji))));
        ToolProbe.Tools oldKoji = ToolProbe.probe(settings(only(Map.of(
            "pungi", STANDINS.resolve("pungi-4.9").toString(),
            "pungi-koji", printing("pungi-koji-4.7", "pungi-4.7.0-1.fc40.noarch").toString()))));
        ToolProbe.Tools neither = ToolProbe.probe(settings(only(Map.of())));

        assertThat(compose.kinds()).containsExactly("dvd");
        assertThat(compose.byKind().get("dvd").routes()).containsExactly("pungi-koji");
        assertThat(compose.byName().get("pungi-koji").version()).isEqualTo("pungi-4.9.0-1.fc41.noarch");
        assertThat(compose.setup(org.fbs.build.ImageKinds.named("dvd"), settings(only(Map.of("pungi-koji", koji))))
            .routes()).containsExactly(Map.entry("pungi-koji", koji));
        assertThat(both.byKind().get("dvd").routes()).containsExactly("pungi", "pungi-koji");
        assertThat(oldKoji.kinds()).isEmpty();
        assertThat(oldKoji.announced().get("dvd")).isEqualTo("its pungi (pungi-4.9.0-1.fc41.noarch) only gathers"
            + " packages (pungi 4.8 and later), and its pungi-koji (worker.tools.pungi-koji) says it is"
            + " pungi-4.7.0-1.fc40.noarch, not pungi 4.8 or later; DVDs need the legacy pungi before 4.8, or pungi-koji"
            + " 4.8 or later for a compose");
        assertThat(neither.whyNot("dvd")).isEqualTo("this worker cannot build dvd images: pungi not found, and its"
            + " pungi-koji (worker.tools.pungi-koji) not found; DVDs need the legacy pungi before 4.8, or pungi-koji 4.8"
            + " or later for a compose (worker.tools.pungi)");
    }

    /** lorax needs hfsplus-tools' mkfs.hfsplus unless told --nomacboot: the probe looks for worker.tools.mkfs-hfsplus. */
    @Test
    void theProbeFindsHfsplusToolsAndTheCommandsFollow() throws Exception {
        Path mkfs = printing("mkfs.hfsplus", "mkfs.hfsplus 540.1");
        ToolProbe.Tools with = ToolProbe.probe(settings(only(Map.of("mkfs-hfsplus", mkfs.toString()))));
        ToolProbe.Tools without = ToolProbe.probe(settings(only(Map.of())));

        assertThat(with.hfsplus()).isTrue();
        assertThat(without.hfsplus()).isFalse();
        org.fbs.build.ImageKind boot = org.fbs.build.ImageKinds.named("boot");
        assertThat(with.setup(boot, settings(Map.of())).hfsplus()).isTrue();
        assertThat(without.setup(boot, settings(Map.of("lorax", "/opt/lorax"))))
            .isEqualTo(new org.fbs.build.ToolSetup("/opt/lorax", false, null));
    }
}
