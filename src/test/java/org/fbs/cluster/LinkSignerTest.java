package org.fbs.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster secret: what it signs, what it refuses, and which files it accepts as a secret. */
class LinkSignerTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aLinkOpensOnlyItsBuildAndPathUntilItExpires() {
        LinkSigner signer = new LinkSigner(LinkSigner.newSecret(), Clock.fixed(NOW, ZoneOffset.UTC));
        String query = signer.linkQuery(7, "/artifacts/7/boot.iso", NOW.plusSeconds(10));
        String expires = query.substring("expires=".length(), query.indexOf('&'));
        String sig = query.substring(query.indexOf("sig=") + 4);
        assertThat(sig).matches("[A-Za-z0-9_-]{43}");
        assertThat(signer.allows(7, "/artifacts/7/boot.iso", expires, sig)).isTrue();
        assertThat(signer.allows(8, "/artifacts/7/boot.iso", expires, sig)).as("another build").isFalse();
        assertThat(signer.allows(7, "/artifacts/7/other.iso", expires, sig)).as("another file").isFalse();
        assertThat(signer.allows(7, "/log/7", expires, sig)).as("the log").isFalse();
        assertThat(signer.allows(7, "/artifacts/7/boot.iso", String.valueOf(Long.parseLong(expires) + 1), sig))
            .as("a later expiry").isFalse();
        assertThat(signer.allows(7, "/artifacts/7/boot.iso", expires, null)).isFalse();
        assertThat(signer.allows(7, "/artifacts/7/boot.iso", "1e9", sig)).isFalse();
        LinkSigner later = new LinkSigner(LinkSigner.newSecret(), Clock.fixed(NOW.plusSeconds(11), ZoneOffset.UTC));
        assertThat(later.allows(7, "/artifacts/7/boot.iso", expires, sig)).as("other secret, and expired").isFalse();
    }

    @Test
    void theSecretFileMustBeTheOwnersOnlyAndLongEnough() throws Exception {
        Path good = dir.resolve("secret");
        Files.write(good, LinkSigner.newSecret());
        Files.setPosixFilePermissions(good, PosixFilePermissions.fromString("rw-------"));
        LinkSigner a = LinkSigner.fromFile(good, Clock.systemUTC());
        LinkSigner b = LinkSigner.fromFile(good, Clock.systemUTC());
        assertThat(a.sign("x")).isEqualTo(b.sign("x")).isNotEqualTo(LinkSigner.perProcess().sign("x"));

        Files.setPosixFilePermissions(good, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> LinkSigner.fromFile(good, Clock.systemUTC()))
            .hasMessageStartingWith("cluster.secret-file: ").hasMessageContaining("chmod 600");

        Path tooShort = dir.resolve("short");
        Files.write(tooShort, new byte[16]);
        Files.setPosixFilePermissions(tooShort, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> LinkSigner.fromFile(tooShort, Clock.systemUTC()))
            .hasMessage("cluster.secret-file: " + tooShort + " has 16 bytes, fewer than 32");
        assertThatThrownBy(() -> LinkSigner.fromFile(dir.resolve("missing"), Clock.systemUTC()))
            .hasMessageContaining("cluster.secret-file: ").hasMessageContaining("fbs cluster keys");
    }
}
