package org.fbs.worker;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.fbs.build.Secrets;
import org.fbs.protocol.BuildEvent;

/**
 * One build's log on the worker: timestamped lines in {@code <work-dir>/logs/<id>.log}, each also published
 * on the local event bus with its byte offset so that live followers get it at once and exactly once.
 * Safe to call from any thread.
 */
public final class BuildLog implements AutoCloseable {

    /** What a cut line ends with, before the number of bytes left out. */
    static final String CUT = " [line cut: ";

    private final long buildId;
    private final Path file;
    private final OutputStream out;
    private final EventBus bus;
    private final LiveLogs live;
    /** Gets each line as written, time stamp and all; null on a worker (fbs build prints the lines). */
    private final Consumer<String> echo;
    /** The longest line kept, in bytes ({@code worker.max-log-line}); the rest of a longer one is dropped. */
    private final int maxLine;
    private long committed;
    /** The last lines written, for the master's mail when the build ends. */
    private final Deque<String> tail = new ArrayDeque<>();

    private BuildLog(long buildId, Path file, OutputStream out, long committed, EventBus bus, LiveLogs live,
                     Consumer<String> echo, int maxLine) {
        this.maxLine = maxLine;
        this.buildId = buildId;
        this.file = file;
        this.out = out;
        this.committed = committed;
        this.bus = bus;
        this.live = live;
        this.echo = echo;
    }

    /** The log file of {@code buildId} under {@code logsDir}; the name is made from the number alone. */
    public static Path fileOf(Path logsDir, long buildId) {
        return logsDir.resolve(buildId + ".log");
    }

    static BuildLog open(Path logsDir, long buildId, EventBus bus, LiveLogs live, int maxLine) throws IOException {
        return open(logsDir, buildId, bus, live, null, maxLine);
    }

    /** As {@link #open(Path, long, EventBus, LiveLogs, int)}, also handing each line to {@code echo} as written. */
    static BuildLog open(Path logsDir, long buildId, EventBus bus, LiveLogs live, Consumer<String> echo, int maxLine)
        throws IOException {
        Files.createDirectories(logsDir);
        Path file = fileOf(logsDir, buildId);
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        BuildLog log = new BuildLog(buildId, file, out, Files.size(file), bus, live, echo, maxLine);
        live.add(log);
        return log;
    }

    long buildId() {
        return buildId;
    }

    Path file() {
        return file;
    }

    /** Bytes written so far: every line that starts below this offset is in the file. */
    synchronized long committed() {
        return committed;
    }

    public void stage(String name) {
        line("== " + name + " ==");
    }

    public synchronized void line(String text) {
        // Every line, ours or a tool's, loses URL passwords (a proxy's, say) before anyone can read it.
        String clean = Secrets.mask(text.replace("\r", ""));
        byte[] utf8 = clean.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > maxLine) {
            clean = cut(utf8);
        }
        write(clean);
    }

    /** Writes a line already masked and cut, and hands it to followers. */
    private synchronized void write(String clean) {
        byte[] bytes = (Instant.now() + " " + clean + "\n").getBytes(StandardCharsets.UTF_8);
        tail.addLast(clean);
        if (tail.size() > BuildEvent.LOG_TAIL_LINES) {
            tail.removeFirst();
        }
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // A full disk must not end the build here: the line still reaches the master in the tail, and the build
            // fails saying the disk is full. Followers get only what the file holds.
            return;
        }
        long offset = committed;
        committed += bytes.length;
        String stamped = new String(bytes, StandardCharsets.UTF_8);
        bus.publish(LiveLogs.address(buildId), new JsonObject().put("offset", offset).put("text", stamped));
        if (echo != null) {
            echo.accept(stamped.substring(0, stamped.length() - 1));
        }
    }

    /**
     * Copies a tool's output into the log line by line, holding at most {@code maxLine} bytes of a line in memory:
     * the rest of a longer line is read and dropped, and the line ends with a marker saying how much was cut.
     * Each line kept is also handed to {@code also} (the tool's last lines, for the failure reason). Blocking; returns
     * at the end of the stream.
     */
    void copy(InputStream output, Consumer<String> also) throws IOException {
        byte[] chunk = new byte[16 * 1024]; // a tool writes lines: a larger buffer is only more to allocate per run
        byte[] kept = new byte[maxLine];
        int length = 0;
        long dropped = 0;
        boolean open = false; // a line has begun and not ended
        for (int n = output.read(chunk); n >= 0; n = output.read(chunk)) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    emit(kept, length, dropped, also);
                    length = 0;
                    dropped = 0;
                    open = false;
                } else {
                    open = true;
                    if (length < maxLine) {
                        kept[length++] = b;
                    } else {
                        dropped++;
                    }
                }
            }
        }
        if (open) {
            emit(kept, length, dropped, also);
        }
    }

    private void emit(byte[] kept, int length, long dropped, Consumer<String> also) {
        String text;
        if (dropped == 0) {
            // The log stamps each line: a tool's own stamp would be a second one.
            text = ToolStamps.strip(new String(kept, 0, length, StandardCharsets.UTF_8));
            line(text);
        } else {
            // Cut here already: the marker must not be cut again, so mask and write without line()'s check.
            int end = boundary(kept, length);
            text = Secrets.mask(ToolStamps.strip(new String(kept, 0, end, StandardCharsets.UTF_8)).replace("\r", ""))
                + marker(dropped + length - end);
            write(text);
        }
        also.accept(text);
    }

    /** The first {@code maxLine} bytes of a line (whole characters only) and a marker saying how much was left out. */
    private String cut(byte[] line) {
        int end = boundary(line, line.length);
        return new String(line, 0, end, StandardCharsets.UTF_8) + marker(line.length - end);
    }

    private String marker(long left) {
        return CUT + left + " more bytes, longer than worker.max-log-line=" + maxLine + "]";
    }

    /** Where to cut the first {@code length} bytes of a line to at most {@code maxLine}, not inside a character. */
    private int boundary(byte[] line, int length) {
        int end = Math.min(length, maxLine);
        // Find the last character's lead byte (not 10xxxxxx), and leave that character out if it is not complete.
        int lead = end - 1;
        while (lead > 0 && lead > end - 4 && (line[lead] & 0xC0) == 0x80) {
            lead--;
        }
        if (lead >= 0 && (line[lead] & 0xC0) != 0x80 && charLength(line[lead]) > end - lead) {
            return lead;
        }
        return end;
    }

    private static int charLength(byte lead) {
        int b = lead & 0xFF;
        return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    }

    /** The last {@link BuildEvent#LOG_TAIL_LINES} lines, passwords masked, without their time stamps. */
    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    /** Ends the log: the file is complete, and followers are told so. */
    @Override
    public synchronized void close() throws IOException {
        try {
            out.close();
        } finally {
            live.remove(buildId);
            bus.publish(LiveLogs.address(buildId), new JsonObject().put("end", true));
        }
    }
}
