package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CHECKSUM file in Fedora's form, read back by coreutils' sha256sum -c. */
class ChecksumFileTest {

    @TempDir
    Path dir;

    @Test
    void eachImageGetsItsSizeLineAndItsSha256LineAndSha256sumAcceptsThem() throws Exception {
        Path a = Files.writeString(dir.resolve("Fedora-Live-x86_64-41.iso"), "abc");
        Path b = Files.write(dir.resolve("Fedora-Server-41-x86_64-DVD.iso"), new byte[100_000]);

        Path checksum = ChecksumFile.write(dir, List.of(a, b));

        assertThat(checksum).isEqualTo(dir.resolve("CHECKSUM"));
        assertThat(Files.readAllLines(checksum)).containsExactly(
            "# Fedora-Live-x86_64-41.iso: 3 bytes",
            "SHA256 (Fedora-Live-x86_64-41.iso) = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "# Fedora-Server-41-x86_64-DVD.iso: 100000 bytes",
            "SHA256 (Fedora-Server-41-x86_64-DVD.iso) = 9192c25b734fcbadbe32dadc28089c60db0e39f90cc20ce2e5733f57261acc0c");
        Process check = new ProcessBuilder("sha256sum", "-c", "CHECKSUM").directory(dir.toFile())
            .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(out).isZero();
        assertThat(out).contains("Fedora-Live-x86_64-41.iso: OK", "Fedora-Server-41-x86_64-DVD.iso: OK");
    }

    @Test
    void aChangedImageFailsTheCheck() throws Exception {
        Path iso = Files.writeString(dir.resolve("boot.iso"), "abc");
        ChecksumFile.write(dir, List.of(iso));
        Files.writeString(iso, "abd");

        Process check = new ProcessBuilder("sha256sum", "-c", "CHECKSUM").directory(dir.toFile())
            .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(check.waitFor()).isNotZero();
        assertThat(out).contains("boot.iso: FAILED");
    }
}
