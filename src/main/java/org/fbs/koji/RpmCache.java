package org.fbs.koji;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's RPMs from Koji, one file per NVRA, kept under a byte budget; the least recently used go first.
 * A file enters only whole and checked (moved in atomically from a temp file in the same folder), so no build
 * ever sees half of one. Builds get hard links (a copy across file systems), so an eviction never takes a file
 * from a build that uses it. Last use is the file's modification time, so the order survives a restart.
 * Safe for several builds at once.
 */
final class RpmCache {

    static final String PARTIAL = ".part";

    private final Path dir;
    private final long maxBytes;
    /** NVRA to size, least recently used first; loaded from the folder at first use. */
    private LinkedHashMap<String, Long> entries;
    private long totalBytes;

    RpmCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Links the cached RPM into {@code target} and marks it used; false when it is not cached at this size. */
    synchronized boolean linkInto(RemoteRpm rpm, Path target) throws IOException {
        load();
        Long size = entries.get(rpm.nvra());
        if (size == null) {
            return false;
        }
        Path file = dir.resolve(rpm.fileName());
        if (size != rpm.size() || !Files.isRegularFile(file)) {
            // Koji now reports another size (or someone removed the file): fetch it again.
            remove(rpm.nvra());
            return false;
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        link(file, target);
        return true;
    }

    /** A fresh temp file in the cache folder, for a download that {@link #place} may take in. */
    synchronized Path tempFile(RemoteRpm rpm) throws IOException {
        load(); // first, so that loading never deletes this temp file as a crash's leftover
        Files.createDirectories(dir);
        return Files.createTempFile(dir, rpm.nvra() + ".", PARTIAL);
    }

    /**
     * Moves a complete, checked download into the cache, links it into {@code target}, then evicts the least
     * recently used RPMs while the cache is over budget (the new one too, if it alone exceeds the budget: the
     * build keeps its link).
     */
    synchronized void place(RemoteRpm rpm, Path download, Path target) throws IOException {
        load();
        Path file = dir.resolve(rpm.fileName());
        Files.move(download, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Long old = entries.remove(rpm.nvra());
        totalBytes -= old == null ? 0 : old;
        entries.put(rpm.nvra(), rpm.size());
        totalBytes += rpm.size();
        link(file, target);
        Iterator<Map.Entry<String, Long>> oldest = entries.entrySet().iterator();
        while (totalBytes > maxBytes && oldest.hasNext()) {
            Map.Entry<String, Long> e = oldest.next();
            Files.deleteIfExists(dir.resolve(e.getKey() + ".rpm"));
            totalBytes -= e.getValue();
            oldest.remove();
        }
    }

    synchronized long totalBytes() throws IOException {
        load();
        return totalBytes;
    }

    private void remove(String nvra) throws IOException {
        Files.deleteIfExists(dir.resolve(nvra + ".rpm"));
        totalBytes -= entries.remove(nvra);
    }

    private static void link(Path file, Path target) throws IOException {
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, file);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, target); // another file system: a copy does as well
        }
    }

    /** Reads the folder once: RPMs by last use; temp files left by a crash are deleted. */
    private void load() throws IOException {
        if (entries != null) {
            return;
        }
        entries = new LinkedHashMap<>(16, 0.75f, true); // access order: a hit makes an entry the newest
        totalBytes = 0;
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> rpms = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(PARTIAL)) {
                    Files.deleteIfExists(f);
                } else if (name.endsWith(".rpm") && Files.isRegularFile(f)) {
                    rpms.add(f);
                }
            }
        }
        rpms.sort(Comparator.comparing(RpmCache::lastUse));
        for (Path f : rpms) {
            String name = f.getFileName().toString();
            long size = Files.size(f);
            entries.put(name.substring(0, name.length() - ".rpm".length()), size);
            totalBytes += size;
        }
    }

    private static FileTime lastUse(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
