package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code fbs --version} from the packaged jar names the version, the commit it was built from and the time. */
class VersionIT {

    @Test
    void theJarKnowsItsVersionCommitAndBuildTime() throws Exception {
        String jar = System.getProperty("fbs.jar", "target/fbs.jar");
        Process process = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar, "--version"))
            .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isZero();
        assertThat(out).matches("fbs \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{12}|unknown), built "
            + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, Java .+\\)");
        // The commit is the one git names for this checkout; where git cannot tell, the jar says "unknown".
        assertThat(out).contains("(commit " + gitCommit() + ",");
    }

    private static String gitCommit() throws InterruptedException {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true)
                .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 && out.matches("[0-9a-f]{12}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown"; // no git on this machine
        }
    }
}
