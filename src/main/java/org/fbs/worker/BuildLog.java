package org.fbs.worker;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;

/**
 * One build's log on the worker: timestamped lines in {@code <work-dir>/logs/<id>.log}, each also published
 * on the local event bus with its byte offset so that live followers get it at once and exactly once.
 * Safe to call from any thread.
 */
public final class BuildLog implements AutoCloseable {

    /** Longer lines are cut: a tool printing megabytes without a newline must not exhaust memory. */
    static final int MAX_LINE = 16 * 1024;

    private final long buildId;
    private final Path file;
    private final OutputStream out;
    private final EventBus bus;
    private final LiveLogs live;
    /** Gets each line as written, time stamp and all; null on a worker (fbs build prints the lines). */
    private final Consumer<String> echo;
    private long committed;
    /** The last lines written, for the master's mail when the build ends. */
    private final Deque<String> tail = new ArrayDeque<>();

    private BuildLog(long buildId, Path file, OutputStream out, long committed, EventBus bus, LiveLogs live,
                     Consumer<String> echo) {
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

    static BuildLog open(Path logsDir, long buildId, EventBus bus, LiveLogs live) throws IOException {
        return open(logsDir, buildId, bus, live, null);
    }

    /** As {@link #open(Path, long, EventBus, LiveLogs)}, also handing each line to {@code echo} as it is written. */
    static BuildLog open(Path logsDir, long buildId, EventBus bus, LiveLogs live, Consumer<String> echo)
        throws IOException {
        Files.createDirectories(logsDir);
        Path file = fileOf(logsDir, buildId);
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        BuildLog log = new BuildLog(buildId, file, out, Files.size(file), bus, live, echo);
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
        if (clean.length() > MAX_LINE) {
            clean = clean.substring(0, MAX_LINE) + " [line cut at " + MAX_LINE + " characters]";
        }
        byte[] bytes = (Instant.now() + " " + clean + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build log " + file, e);
        }
        long offset = committed;
        committed += bytes.length;
        tail.addLast(clean);
        if (tail.size() > BuildEvent.LOG_TAIL_LINES) {
            tail.removeFirst();
        }
        String stamped = new String(bytes, StandardCharsets.UTF_8);
        bus.publish(Addresses.log(buildId), new JsonObject().put("offset", offset).put("text", stamped));
        if (echo != null) {
            echo.accept(stamped.substring(0, stamped.length() - 1));
        }
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
            bus.publish(Addresses.log(buildId), new JsonObject().put("end", true));
        }
    }
}
