package org.fbs.koji;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-worker RPM cache on a real folder: budget, least-recently-used eviction, restarts, half files. */
class RpmCacheTest {

    @TempDir
    Path tmp;
    private Path dir;
    private Path build;

    @BeforeEach
    void folders() throws IOException {
        dir = tmp.resolve("cache");
        build = Files.createDirectories(tmp.resolve("build"));
    }

    @Test
    void overBudgetTheLeastRecentlyUsedGoesFirstAndBuildsKeepTheirLinks() throws Exception {
        RpmCache cache = new RpmCache(dir, 250);
        RemoteRpm a = rpm("a-1-1.x86_64", 100);
        RemoteRpm b = rpm("b-1-1.x86_64", 100);
        RemoteRpm c = rpm("c-1-1.x86_64", 100);
        add(cache, a);
        add(cache, b);
        assertThat(cache.linkInto(a, build.resolve("a-again.rpm"))).as("a hit makes a the newest").isTrue();

        add(cache, c);

        assertThat(cached()).containsExactlyInAnyOrder("a-1-1.x86_64.rpm", "c-1-1.x86_64.rpm");
        assertThat(cache.totalBytes()).isEqualTo(200);
        assertThat(build.resolve(b.fileName())).as("the build's link outlives the eviction").hasSize(100);
        assertThat(cache.linkInto(b, build.resolve("b-again.rpm"))).isFalse();
    }

    @Test
    void anRpmLargerThanTheWholeBudgetIsUsedButNotKept() throws Exception {
        RpmCache cache = new RpmCache(dir, 50);
        RemoteRpm big = rpm("big-1-1.x86_64", 100);

        add(cache, big);

        assertThat(build.resolve(big.fileName())).hasSize(100);
        assertThat(cached()).isEmpty();
        assertThat(cache.totalBytes()).isZero();
    }

    @Test
    void aRestartedWorkerKeepsItsCacheInOrderOfLastUseAndDropsHalfFiles() throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve("old-1-1.noarch.rpm"), new byte[100]);
        Files.write(dir.resolve("new-1-1.noarch.rpm"), new byte[100]);
        Files.write(dir.resolve("cut-1-1.noarch.rpm.123.part"), new byte[40]);
        Files.setLastModifiedTime(dir.resolve("old-1-1.noarch.rpm"), FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(dir.resolve("new-1-1.noarch.rpm"), FileTime.fromMillis(2_000_000));
        RpmCache cache = new RpmCache(dir, 250);

        assertThat(cache.totalBytes()).isEqualTo(200);
        add(cache, rpm("third-1-1.noarch", 100));

        assertThat(cached()).containsExactlyInAnyOrder("new-1-1.noarch.rpm", "third-1-1.noarch.rpm");
    }

    @Test
    void aCachedFileOfAnotherSizeThanKojiNowListsIsAMiss() throws Exception {
        RpmCache cache = new RpmCache(dir, 1000);
        add(cache, rpm("a-1-1.x86_64", 100));

        assertThat(cache.linkInto(rpm("a-1-1.x86_64", 120), build.resolve("a.rpm"))).isFalse();
        assertThat(cached()).isEmpty();
        assertThat(cache.totalBytes()).isZero();
    }

    private void add(RpmCache cache, RemoteRpm rpm) throws IOException {
        Path temp = cache.tempFile(rpm);
        Files.write(temp, new byte[(int) rpm.size()]);
        cache.place(rpm, temp, build.resolve(rpm.fileName()));
        assertThat(temp).doesNotExist();
    }

    private List<String> cached() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    private static RemoteRpm rpm(String nvra, long size) {
        return new RemoteRpm(nvra, size, URI.create("http://kojipkgs.invalid/" + nvra + ".rpm"));
    }
}
