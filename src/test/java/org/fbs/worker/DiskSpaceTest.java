package org.fbs.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words for too little disk: declining an offer, and a build that ran out of space. */
class DiskSpaceTest {

    @TempDir
    Path tmp;

    @Test
    void aFolderBelowTheLimitIsNamedWithItsFreeSpaceAndTheSetting() {
        List<DiskSpace.Free> free = List.of(new DiskSpace.Free(Path.of("/work"), 50L << 30, 100L << 30),
            new DiskSpace.Free(Path.of("/srv/fbs"), 3L << 20, 100L << 30));

        assertThat(DiskSpace.shortage(free, 20L << 30))
            .isEqualTo("only 3.0 MiB free on /srv/fbs (worker.min-free-disk: 20.0 GiB)");
        assertThat(DiskSpace.shortage(free, 1L << 20)).isNull();
        assertThat(DiskSpace.shortage(free, 0)).as("0 turns the check off").isNull();
        assertThat(DiskSpace.least(free)).isEqualTo(3L << 20);
    }

    @Test
    void aFailureIsOutOfSpaceWhenItSaysENOSPCOrAFolderIsFullNotOtherwise() {
        List<DiskSpace.Free> roomy = List.of(new DiskSpace.Free(Path.of("/work"), 50L << 30, 100L << 30));
        List<DiskSpace.Free> full = List.of(new DiskSpace.Free(Path.of("/work"), 4096, 8L << 20));

        assertThat(DiskSpace.outOfSpace("lorax exited with status 1; its last lines:\nerror: boom", roomy)).isNull();
        assertThat(DiskSpace.outOfSpace("lorax exited with status 1; its last lines:\nerror: boom", full))
            .isEqualTo("the worker ran out of disk space (4.0 KiB free of 8.0 MiB on /work); lorax exited with"
                + " status 1; its last lines:");
        assertThat(DiskSpace.outOfSpace("worker error: No space left on device", roomy))
            .startsWith("the worker ran out of disk space (50.0 GiB free of 100.0 GiB on /work)");
        assertThat(DiskSpace.isOutOfSpace(DiskSpace.outOfSpace(null, full))).isTrue();
    }

    @Test
    void aFolderNotMadeYetIsMeasuredOnItsNearestParent() {
        List<DiskSpace.Free> free = DiskSpace.of(List.of(tmp.resolve("not/made/yet")));

        assertThat(free).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo(tmp.resolve("not/made/yet"));
            assertThat(f.total()).isPositive();
        });
    }
}
