package org.fbs.worker;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worker.max-log-line: a tool printing a huge line without a newline costs the worker one line's worth of memory. */
class BuildLogLimitTest {

    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    @Test
    void aHundredMegabyteLineIsCutWithAMarkerAndTheNextLineIsIntact() throws Exception {
        long huge = 100L * 1024 * 1024;
        InputStream tool = new SequenceInputStream(new SequenceInputStream(
            new ByteArrayInputStream("first line\n".getBytes(StandardCharsets.UTF_8)), new Repeat('x', huge)),
            new ByteArrayInputStream("\nlast line\n".getBytes(StandardCharsets.UTF_8)));
        List<String> seen = new ArrayList<>();

        try (BuildLog log = BuildLog.open(dir, 7, vertx.eventBus(), new LiveLogs(), 8192)) {
            log.copy(tool, seen::add);
        }

        List<String> lines = Files.readAllLines(BuildLog.fileOf(dir, 7));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).endsWith(" first line");
        String cut = lines.get(1).substring(lines.get(1).indexOf(' ') + 1); // without the time stamp
        assertThat(cut).startsWith("x".repeat(8192) + " [line cut: " + (huge - 8192) + " more bytes")
            .contains("worker.max-log-line=8192");
        assertThat(cut.length()).isLessThan(8192 + 100);
        assertThat(lines.get(2)).endsWith(" last line");
        assertThat(Files.size(BuildLog.fileOf(dir, 7))).isLessThan(9000);
        assertThat(seen).hasSize(3);
        assertThat(seen.get(1)).isEqualTo(cut);
    }

    @Test
    void aToolsOwnTimeStampIsNotStampedTwiceAndOtherLinesKeepTheirText() throws Exception {
        // As lorax and livemedia-creator (Python logging's asctime), pungi and kiwi-ng print them.
        String text = "2026-12-05 08:31:52,123: setting up build architecture\n"
            + "2026-12-05 08:31:53 [INFO    ] gathering packages\n"
            + "[ INFO    ]: 08:31:54 | Setting up repositories\n"
            + "2026 was a good year: not a stamp\n";
        List<String> also = new ArrayList<>();
        try (BuildLog log = BuildLog.open(dir, 10, vertx.eventBus(), new LiveLogs(), 4096)) {
            log.copy(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), also::add);
        }

        List<String> lines = Files.readAllLines(BuildLog.fileOf(dir, 10), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(4);
        // Each line has the log's one stamp (ISO, UTC), then the tool's words without its own.
        assertThat(lines).allMatch(l -> l.matches("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z .*"));
        assertThat(lines.get(0)).endsWith("Z setting up build architecture").doesNotContain("08:31:52");
        assertThat(lines.get(1)).endsWith("Z [INFO    ] gathering packages").doesNotContain("08:31:53");
        assertThat(lines.get(2)).endsWith("Z [ INFO    ]: Setting up repositories").doesNotContain("08:31:54");
        assertThat(lines.get(3)).endsWith("Z 2026 was a good year: not a stamp");
        assertThat(also).containsExactly("setting up build architecture", "[INFO    ] gathering packages",
            "[ INFO    ]: Setting up repositories", "2026 was a good year: not a stamp");
    }

    @Test
    void aCutNeverSplitsACharacterAndShortLinesPassUnchanged() throws Exception {
        // 255 ASCII bytes then a 3-byte character: the limit of 256 falls inside it, so it is left out whole.
        String line = "a".repeat(255) + "\u20ac" + "tail";
        String text = "short\n" + line + "\nno newline at the end";
        try (BuildLog log = BuildLog.open(dir, 8, vertx.eventBus(), new LiveLogs(), 256)) {
            log.copy(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), s -> { });
        }

        List<String> lines = Files.readAllLines(BuildLog.fileOf(dir, 8), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).endsWith(" short");
        assertThat(lines.get(1)).endsWith(" " + "a".repeat(255) + " [line cut: 7 more bytes, longer than "
            + "worker.max-log-line=256]");
        assertThat(lines.get(2)).endsWith(" no newline at the end");
    }

    @Test
    void aLongLineWrittenByTheWorkerItselfIsCutToo() throws Exception {
        try (BuildLog log = BuildLog.open(dir, 9, vertx.eventBus(), new LiveLogs(), 300)) {
            log.line("y".repeat(1000));
        }
        String written = Files.readString(BuildLog.fileOf(dir, 9));
        assertThat(written).contains("y".repeat(300) + " [line cut: 700 more bytes").doesNotContain("y".repeat(301));
    }

    /** {@code count} copies of one byte, made as they are read: the test itself holds no 100 MB. */
    private static final class Repeat extends InputStream {
        private final byte value;
        private long left;

        Repeat(char value, long count) {
            this.value = (byte) value;
            this.left = count;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return value;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, value);
            left -= n;
            return n;
        }
    }
}
