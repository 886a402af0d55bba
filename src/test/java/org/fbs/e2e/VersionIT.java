package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
        // CI builds from a git clone, so the commit is known; a build outside git would say "unknown".
        assertThat(out).matches("fbs \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{12}, built "
            + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, Java .+\\)");
    }
}
