package org.fbs.worker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32;
import org.fbs.protocol.BuildEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's durable memory in one append-only file ({@code journal} in the outbox folder): run markers and the
 * events not yet acknowledged. Each record is one line, {@code CRC32-in-hex SPACE JSON}; the line is the unit of
 * truth, so a record torn by a crash (no newline, or a checksum that does not match) is ignored, not fatal.
 *
 * <p>Group commit: every append joins a queue that one thread of the journal's own drains; whatever queued up while
 * the previous batch was being written goes out in ONE write and ONE fsync, so that a build's offer waits for at most
 * the batch in flight, never behind every earlier event of every build (one file and two fsyncs per record before).
 * Acknowledgements are appended without an fsync: one lost in a crash only makes the event be sent again, and the
 * master applies each event once.
 *
 * <p>Compaction: once the file is at least {@code compactAt} bytes and the live records (runs not ended, events not
 * acknowledged) take at most a quarter of it, the live records are written to a new file that replaces the journal
 * by an atomic rename. At open the journal is always rewritten to its live records, which also drops a torn tail.
 *
 * <p>Records: {@code {"run":B,"attempt":A,"lease":L,"tools":[...]}} (a run marker, replacing any earlier one of B),
 * {@code {"end":B}} (a run that never started), {@code {"order":N,"event":{...}}} (an event; a final one ends its
 * run's marker in the same record, so a crash leaves either the marker or the end), {@code {"ack":N}}.
 */
final class WorkerJournal {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerJournal.class);
    static final String FILE = "journal";
    /** Rewrite the file once it is this large and mostly dead. */
    static final long COMPACT_AT = 1 << 20;

    /** What the journal holds: run markers by build, unacknowledged events by their place in the sending order. */
    record Contents(Map<Long, JsonObject> runs, SortedMap<Long, BuildEvent> events) {
    }

    private record Pending(String line, JsonObject record, boolean durable, CompletableFuture<Void> done) {
    }

    private final Path dir;
    private final Path file;
    private final long compactAt;
    private final ExecutorService thread;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    /** The live records, as lines; touched by the journal's thread only (after open). */
    private final Live live = new Live();
    private FileChannel out;
    private long fileBytes;
    private volatile int fsyncs;

    private WorkerJournal(Path dir, String name, long compactAt) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.compactAt = compactAt;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "fbs-journal-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (or creates) the journal in {@code dir}, rewritten to its live records. Blocking. */
    static WorkerJournal open(Path dir, String name, long compactAt) throws IOException {
        Files.createDirectories(dir);
        WorkerJournal journal = new WorkerJournal(dir, name, compactAt);
        journal.replay();
        journal.rewrite();
        return journal;
    }

    /** What the journal in {@code dir} holds, read without changing anything (for tools and tests). Blocking. */
    static Contents read(Path dir) throws IOException {
        Live live = new Live();
        readInto(dir.resolve(FILE), live);
        return live.contents();
    }

    /**
     * Records a run marker (replacing the build's earlier one) with its lease (null without one); completes once it
     * is on disk.
     */
    CompletableFuture<Void> putRun(long build, int attempt, String lease, JsonArray tools) {
        return append(new JsonObject().put("run", build).put("attempt", attempt).put("lease", lease)
            .put("tools", tools), true);
    }

    /** Drops the marker of a run that never started; completes once that is on disk. */
    CompletableFuture<Void> endRun(long build) {
        return append(new JsonObject().put("end", build), true);
    }

    /** Keeps an event (a final one also ends its run's marker); completes once it is on disk. */
    CompletableFuture<Void> putEvent(long order, BuildEvent event) {
        return append(new JsonObject().put("order", order).put("event", event.toJson()), true);
    }

    /** Forgets an acknowledged event. Not forced to disk: after a crash the event is only sent once more. */
    CompletableFuture<Void> ack(long order) {
        return append(new JsonObject().put("ack", order), false);
    }

    /** What the journal holds now. Blocking: it waits for the appends queued before it. */
    Contents contents() throws IOException {
        try {
            return thread.submit(live::contents).get();
        } catch (ExecutionException e) {
            throw new IOException("cannot read the journal", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the journal", e);
        }
    }

    /** How many fsyncs the journal has made (of the file; for tests and figures). */
    int fsyncs() {
        return fsyncs;
    }

    /**
     * Runs {@code task} on the journal's thread, before whatever is queued after it (tests hold the thread with it, so
     * that records arrive together whatever the machine's load).
     */
    void onThread(Runnable task) {
        thread.execute(task);
    }

    /** Writes what is queued, closes the file and ends the thread; later appends fail. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                drain();
                try {
                    out.close();
                    closed.complete(null);
                } catch (IOException e) {
                    closed.completeExceptionally(e);
                }
            });
            thread.shutdown();
        } catch (RejectedExecutionException already) {
            closed.complete(null);
        }
        return closed;
    }

    private CompletableFuture<Void> append(JsonObject record, boolean durable) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Pending call = new Pending(line(record), record, durable, done);
        pending.add(call);
        try {
            thread.execute(this::drain); // one drain per call; one that finds the queue empty does nothing
        } catch (RejectedExecutionException closed) {
            if (pending.remove(call)) {
                done.completeExceptionally(new IOException("the worker journal is closed"));
            }
        }
        return done;
    }

    /** Writes everything queued in one write and (if any of it must be durable) one fsync. */
    private void drain() {
        List<Pending> batch = new ArrayList<>();
        for (Pending p = pending.poll(); p != null; p = pending.poll()) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        boolean force = false;
        for (Pending p : batch) {
            text.append(p.line());
            force |= p.durable();
        }
        try {
            writeAll(out, text.toString());
            if (force) {
                out.force(false);
                fsyncs++;
            }
        } catch (IOException e) {
            // Cut back what part of the batch reached the file, so that the next record starts on a line of its own.
            try {
                out.truncate(fileBytes);
            } catch (IOException ignored) {
                // the torn line is ignored when the journal is read
            }
            batch.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        for (Pending p : batch) {
            fileBytes += p.line().getBytes(StandardCharsets.UTF_8).length;
            live.apply(p.record(), p.line());
        }
        batch.forEach(p -> p.done().complete(null));
        if (fileBytes >= compactAt && live.bytes * 4 <= fileBytes) {
            try {
                rewrite();
            } catch (IOException e) {
                LOG.warn("could not compact the worker journal {}: {}", file, e.toString());
            }
        }
    }

    private void replay() throws IOException {
        readInto(file, live);
    }

    /** Replaces the journal by a file holding only the live records (fsynced, renamed into place). */
    private void rewrite() throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        StringBuilder text = new StringBuilder();
        live.lines().forEach(text::append);
        try (FileChannel next = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAll(next, text.toString());
            next.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
        if (out != null) {
            out.close();
        }
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        fileBytes = out.size();
    }

    private static void writeAll(FileChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    static String line(JsonObject record) {
        String json = record.encode();
        return String.format("%08x ", crc(json)) + json + "\n";
    }

    private static long crc(String json) {
        CRC32 crc = new CRC32();
        crc.update(json.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** Applies each whole, intact line of {@code file} to {@code live}; a torn or damaged line is skipped. */
    private static void readInto(Path file, Live live) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (java.nio.charset.MalformedInputException e) {
            // A torn multi-byte character: read what decodes, line by line below.
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        }
        int start = 0;
        int number = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            number++;
            if (end < 0) {
                LOG.warn("ignoring the torn last record of {} (line {}): a write the crash cut short", file, number);
                return;
            }
            String line = text.substring(start, end);
            start = end + 1;
            JsonObject record = parse(line);
            if (record == null) {
                LOG.error("ignoring damaged record {} of {}", number, file);
                continue;
            }
            live.apply(record, line + "\n");
        }
    }

    /** The record of a line whose checksum matches, or null. */
    private static JsonObject parse(String line) {
        if (line.length() < 10 || line.charAt(8) != ' ') {
            return null;
        }
        String json = line.substring(9);
        try {
            if (Long.parseLong(line.substring(0, 8), 16) != crc(json)) {
                return null;
            }
            JsonObject record = new JsonObject(json);
            if (record.containsKey("event")) {
                BuildEvent.fromJson(record.getJsonObject("event")); // readable, or not a record
            }
            return record;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The live records (run markers, unacknowledged events) with their lines. */
    private static final class Live {
        private record Entry(String line, JsonObject record) {
        }

        private final Map<Long, Entry> runs = new LinkedHashMap<>();
        private final TreeMap<Long, Entry> events = new TreeMap<>();
        private long bytes;

        void apply(JsonObject record, String line) {
            if (record.containsKey("run")) {
                put(runs, record.getLong("run"), new Entry(line, record));
            } else if (record.containsKey("end")) {
                remove(runs, record.getLong("end"));
            } else if (record.containsKey("event")) {
                put(events, record.getLong("order"), new Entry(line, record));
                BuildEvent event = BuildEvent.fromJson(record.getJsonObject("event"));
                Entry run = runs.get(event.buildId());
                if (event.kind().isFinal() && run != null
                    && run.record().getInteger("attempt") == event.attempt()) {
                    remove(runs, event.buildId());
                }
            } else if (record.containsKey("ack")) {
                remove(events, record.getLong("ack"));
            }
        }

        private void put(Map<Long, Entry> map, long key, Entry entry) {
            remove(map, key);
            map.put(key, entry);
            bytes += entry.line().getBytes(StandardCharsets.UTF_8).length;
        }

        private void remove(Map<Long, Entry> map, long key) {
            Entry old = map.remove(key);
            if (old != null) {
                bytes -= old.line().getBytes(StandardCharsets.UTF_8).length;
            }
        }

        /** Runs first, then events in order: replayed, they give the same state. */
        List<String> lines() {
            List<String> lines = new ArrayList<>();
            runs.values().forEach(e -> lines.add(e.line()));
            events.values().forEach(e -> lines.add(e.line()));
            return lines;
        }

        Contents contents() {
            Map<Long, JsonObject> runCopy = new HashMap<>();
            runs.forEach((build, e) -> runCopy.put(build, e.record().copy()));
            SortedMap<Long, BuildEvent> eventCopy = new TreeMap<>();
            events.forEach((order, e) -> eventCopy.put(order, BuildEvent.fromJson(e.record().getJsonObject("event"))));
            return new Contents(runCopy, eventCopy);
        }
    }
}
