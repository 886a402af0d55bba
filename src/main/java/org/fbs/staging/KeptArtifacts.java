package org.fbs.staging;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.build.FileTrees;

/**
 * The files that builds staged on this worker ({@code worker} staging): {@code <dir>/<build id>/<file>}, with a
 * record of each build's files ({@code <dir>/<build id>/.record.json}) written once all are in. Only recorded
 * names are ever served, and a build is removed as a whole once its record is older than the retention.
 */
public final class KeptArtifacts {

    private static final String RECORD = ".record.json";

    private final Path dir;

    /** @param dir {@code <worker.work-dir>/artifacts} */
    public KeptArtifacts(Path dir) {
        this.dir = dir;
    }

    Path folderOf(long buildId) {
        return dir.resolve(Long.toString(buildId));
    }

    /** The recorded file {@code name} of build {@code buildId}, if the build recorded a file of that name. */
    public Optional<Path> file(long buildId, String name) throws IOException {
        for (Artifact a : recorded(buildId)) {
            if (a.name().equals(name)) {
                return Optional.of(folderOf(buildId).resolve(a.name()));
            }
        }
        return Optional.empty();
    }

    /** The files build {@code buildId} recorded; empty when it recorded none (or was removed). */
    public List<Artifact> recorded(long buildId) throws IOException {
        try {
            String text = Files.readString(folderOf(buildId).resolve(RECORD), StandardCharsets.UTF_8);
            return Artifact.fromJson(new JsonObject(text).getJsonArray("files", new JsonArray()));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Writes the record of a build's files, atomically: until it exists, none of them is served. */
    void record(long buildId, List<Artifact> files) throws IOException {
        Path folder = folderOf(buildId);
        Path partial = folder.resolve(RECORD + ".partial");
        Files.writeString(partial, new JsonObject().put("build", buildId).put("files", Artifact.toJson(files)).encode(),
            StandardCharsets.UTF_8);
        Files.move(partial, folder.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes each build whose files were recorded (or left unrecorded) more than {@code retention} ago. */
    public List<Long> removeOlderThan(Duration retention, Instant now) throws IOException {
        List<Long> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        Instant cutoff = now.minus(retention);
        List<Path> builds;
        try (Stream<Path> list = Files.list(dir)) {
            builds = list.filter(p -> p.getFileName().toString().matches("[0-9]{1,18}")).toList();
        }
        for (Path build : builds) {
            // A folder without a record is a staging the worker never finished (it stopped): its own age counts.
            Path record = build.resolve(RECORD);
            Path dated = Files.isRegularFile(record) ? record : build;
            if (Files.getLastModifiedTime(dated).toInstant().isBefore(cutoff)) {
                FileTrees.delete(build);
                removed.add(Long.parseLong(build.getFileName().toString()));
            }
        }
        return removed;
    }
}
