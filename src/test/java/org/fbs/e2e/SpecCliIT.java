package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/fbs spec ...} as a user runs it: the launcher script, the packaged jar, a real JVM. */
class SpecCliIT {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run fbs(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bin/fbs"));
        command.addAll(List.of(args));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void initWritesASpecThatCheckAccepts() throws Exception {
        Run init = fbs("spec", "init", "--type", "dvd", "--arch", "aarch64", "--release", "41");
        Path spec = dir.resolve("my dvd; $(touch pwned).conf");
        Files.writeString(spec, init.out());

        Run check = fbs("spec", "check", spec.toString());

        assertThat(init.code()).as(init.err()).isZero();
        assertThat(check).isEqualTo(new Run(0, spec + ": ok, a dvd image for aarch64/41\n", ""));
        // The file name went through as one argument, never through a shell.
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(Path.of("pwned")).doesNotExist();
    }

    @Test
    void checkFailsWithEveryErrorAndExitCode1() throws Exception {
        Path spec = dir.resolve("bad.conf");
        Files.writeString(spec, "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n[live]\ntool=kiwi\n");

        assertThat(fbs("spec", "check", spec.toString())).isEqualTo(new Run(1, "",
            spec + ": [live] profile: required when tool is kiwi\n"
                + spec + ": [live] config: required: an http or https URL to the kickstart"
                + " (or, in the JSON form, its text in kickstart)\n"));
    }

    @Test
    void theSamplesInConfPass() throws Exception {
        for (String type : List.of("boot", "dvd", "live")) {
            Run check = fbs("spec", "check", "conf/" + type + "_imagebuild.conf");
            assertThat(check.code()).as(check.err()).isZero();
        }
    }
}
