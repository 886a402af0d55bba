package org.fbs.worker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.fbs.protocol.BuildEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of versions before the journal: one file per event ({@code ORDER-BUILD-ATTEMPT-SEQ.event.json}) and
 * one per run marker ({@code run-BUILD.json}). A worker upgraded while it had runs or unacknowledged events finds
 * them here once: they are appended to the journal, and the files go once that is on disk. A crash in between only
 * moves them again (an event the journal holds already is not added twice).
 */
final class LegacyOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyOutbox.class);
    private static final String EVENT_SUFFIX = ".event.json";
    private static final String RUN_PREFIX = "run-";

    private LegacyOutbox() {
    }

    /** Moves the old files in {@code dir} into {@code journal}; returns how many it moved. Blocking. */
    static int moveInto(Path dir, WorkerJournal journal) throws IOException {
        List<Path> events = new ArrayList<>();
        List<Path> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(EVENT_SUFFIX + ".tmp") || name.startsWith(RUN_PREFIX) && name.endsWith(".tmp")) {
                    Files.deleteIfExists(file); // a write cut short: it was never sent
                } else if (name.endsWith(EVENT_SUFFIX)) {
                    events.add(file);
                } else if (name.startsWith(RUN_PREFIX) && name.endsWith(".json")) {
                    runs.add(file);
                }
            }
        }
        if (events.isEmpty() && runs.isEmpty()) {
            return 0;
        }
        WorkerJournal.Contents have = journal.contents();
        Set<String> known = new HashSet<>();
        have.events().values().forEach(e -> known.add(key(e)));
        long order = have.events().isEmpty() ? 1 : have.events().lastKey() + 1;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        // Runs first: a final event of the same run, left with its marker by a crash, then ends it.
        for (Path file : runs) {
            try {
                JsonObject run = new JsonObject(Files.readString(file));
                writes.add(journal.putRun(run.getLong("build"), run.getInteger("attempt"), run.getString("lease"),
                    run.getJsonArray("tools", new JsonArray())));
            } catch (RuntimeException e) {
                LOG.error("dropping unreadable run marker {}: {}", file, e.toString());
            }
        }
        // The names begin with the zero-padded sending order: sorted, they are in the order the events were made.
        for (Path file : events) {
            try {
                BuildEvent event = BuildEvent.fromJson(new JsonObject(Files.readString(file)));
                if (known.add(key(event))) {
                    writes.add(journal.putEvent(order++, event));
                }
            } catch (RuntimeException e) {
                LOG.error("dropping unreadable outbox file {}: {}", file, e.toString());
            }
        }
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw new IOException("cannot move the old outbox files into the journal", e.getCause());
        }
        for (Path file : runs) {
            Files.deleteIfExists(file);
        }
        for (Path file : events) {
            Files.deleteIfExists(file);
        }
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
        LOG.info("moved {} run marker(s) and {} event(s) of the old outbox format into the journal", runs.size(),
            events.size());
        return runs.size() + events.size();
    }

    private static String key(BuildEvent event) {
        return event.buildId() + ":" + event.attempt() + ":" + event.seq();
    }
}
