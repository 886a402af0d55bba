package org.fbs.worker;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The free space where a worker writes: its work dir and its staging roots. Blocking (statvfs): call it off the event
 * loop.
 */
final class DiskSpace {

    /** One filesystem the worker writes to, seen through one of its folders. */
    record Free(Path path, long usable, long total) {
    }

    /** How the reason of a build that ran out of disk space begins. */
    static final String OUT_OF_SPACE = "the worker ran out of disk space";

    /** What a tool's or Java's message says when a write found the disk full. */
    private static final String NO_SPACE = "no space left on device";

    private DiskSpace() {
    }

    /**
     * The free space at each folder (the nearest existing parent of one not made yet); folders whose filesystem
     * cannot be read are left out.
     */
    static List<Free> of(List<Path> folders) {
        List<Free> out = new ArrayList<>();
        for (Path folder : folders) {
            Path p = folder.toAbsolutePath();
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            if (p == null) {
                continue;
            }
            try {
                FileStore store = Files.getFileStore(p);
                out.add(new Free(folder, store.getUsableSpace(), store.getTotalSpace()));
            } catch (IOException e) {
                // not readable now: nothing to say about it
            }
        }
        return out;
    }

    /** The least free space among {@code free}, or -1 when none is known. */
    static long least(List<Free> free) {
        return free.stream().mapToLong(Free::usable).min().orElse(-1);
    }

    /**
     * Why the worker must take no build: the folder with less than {@code min} bytes free, e.g. "only 3.0 MiB free on
     * /srv/fbs (worker.min-free-disk: 20.0 GiB)"; null when every one has enough (or {@code min} is 0).
     */
    static String shortage(List<Free> free, long min) {
        if (min <= 0) {
            return null;
        }
        return free.stream().filter(f -> f.usable() < min).findFirst()
            .map(f -> "only " + size(f.usable()) + " free on " + f.path() + " (worker.min-free-disk: " + size(min) + ")")
            .orElse(null);
    }

    /**
     * The reason a failed build ran out of disk space, or null when it did not: its failure says "No space left on
     * device" (ENOSPC), or one of the folders is (nearly) full now, with less than 64 MiB or 1% of its filesystem
     * free. The tool's own words are kept after it, on their first line only.
     */
    static String outOfSpace(String failure, List<Free> free) {
        boolean said = failure != null && failure.toLowerCase(Locale.ROOT).contains(NO_SPACE);
        Free full = free.stream().filter(f -> f.usable() < Math.min(64L << 20, f.total() / 100)).findFirst()
            .orElse(null);
        if (!said && full == null) {
            return null;
        }
        Free where = full != null ? full
            : free.stream().min(java.util.Comparator.comparingLong(Free::usable)).orElse(null);
        String first = failure == null ? "" : failure.lines().findFirst().orElse("");
        return OUT_OF_SPACE + (where == null ? ""
            : " (" + size(where.usable()) + " free of " + size(where.total()) + " on " + where.path() + ")")
            + (first.isBlank() ? "" : "; " + first);
    }

    static boolean isOutOfSpace(String reason) {
        return reason != null && reason.startsWith(OUT_OF_SPACE);
    }

    /** "3.0 MiB", "20.0 GiB", "512 bytes". */
    static String size(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
