package org.fbs.worker;

import static org.assertj.core.api.Assertions.assertThat;

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

    static final Path STANDINS = Path.of("src/test/standins").toAbsolutePath();

    @TempDir
    Path tmp;

    WorkerSettings settings(Map<String, String> tools) {
        return new WorkerSettings("w", "127.0.0.1", 0, "http://127.0.0.1", List.of("x86_64"), List.of("41"), 1,
            tmp.resolve("work"), List.of(tmp), tools);
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
            "ksflatten", tmp.resolve("absent").toString())));

        assertThat(tools.kinds()).containsExactly("boot", "live-kiwi", "dvd");
        assertThat(tools.usable("ksflatten")).isFalse();
        assertThat(tools.whyNot("live")).isEqualTo("this worker cannot build live images: livemedia-creator not found"
            + " (worker.tools.livemedia-creator)");
    }
}
