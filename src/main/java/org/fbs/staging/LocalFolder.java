package org.fbs.staging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.fbs.build.Artifact;
import org.fbs.build.FileTrees;

/**
 * A build's own folder on this machine's file system: each file is written under a hidden temporary name and renamed
 * atomically, so nobody sees half a file.
 */
class LocalFolder extends StagingFolder {

    private final Path dir;
    private final Function<Path, String> location;
    /** The attempt whose marker is in the folder; null for a folder without one (the worker's own). */
    private final StagingMark mark;
    /** What this attempt put into the folder, in the order it went in (temporary names too). */
    private final List<String> written = new ArrayList<>();

    private LocalFolder(Path dir, Function<Path, String> location, StagingMark mark) {
        this.dir = dir;
        this.location = location;
        this.mark = mark;
    }

    /**
     * Creates {@code parent/folder}, which must not exist yet.
     *
     * @param location what to record as where a staged file is
     */
    static LocalFolder create(Path parent, String folder, Function<Path, String> location) throws StagingException {
        Path dir = newFolder(parent, folder);
        if (dir == null) {
            throw new StagingException("staging folder " + parent.resolve(folder)
                + " already exists; not overwriting it");
        }
        return new LocalFolder(dir, location, null);
    }

    /**
     * Creates {@code parent/folder} with {@code mark}'s marker in it, or, when the folder exists, takes it if an
     * earlier attempt of the same build marked it or it is empty ({@link StagingMark#checkClaim}): the marker is
     * replaced by this attempt's first, then everything else in the folder is removed.
     *
     * @param location what to record as where a staged file is
     */
    static LocalFolder claim(Path parent, String folder, StagingMark mark, Function<Path, String> location)
        throws StagingException {
        Path dir = newFolder(parent, folder);
        if (dir != null) {
            try {
                // The marker goes in before any file: from here on, a retry knows the folder for this build's.
                writeMarker(dir, mark);
            } catch (IOException e) {
                deleteQuietly(dir);
                throw new StagingException("cannot mark staging folder " + dir + ": " + e.getMessage(), e);
            }
            return new LocalFolder(dir, location, mark);
        }
        dir = parent.resolve(folder);
        // A link could lead anywhere, a plain file is nobody's folder: neither is taken.
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new StagingException("staging folder " + dir + " already exists and is not a folder; not"
                + " overwriting it");
        }
        try {
            mark.checkClaim(dir.toString(), readMarker(dir), namesBut(dir, StagingMark.FILE));
            // Marked first: an older attempt still running now finds the folder no longer its own and leaves it.
            writeMarker(dir, mark);
            clear(dir);
        } catch (IOException e) {
            throw new StagingException("cannot take over staging folder " + dir + " for attempt " + mark.attempt()
                + " of build " + mark.build() + ": " + e.getMessage(), e);
        }
        return new LocalFolder(dir, location, mark);
    }

    /** Writes {@code mark}'s marker into {@code dir} under a temporary name and renames it over any marker there. */
    private static void writeMarker(Path dir, StagingMark mark) throws IOException {
        Path partial = dir.resolve(StagingMark.PARTIAL);
        // A leftover (or a link someone put there) is removed, never written through.
        Files.deleteIfExists(partial);
        Files.writeString(partial, mark.text(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        Files.move(partial, dir.resolve(StagingMark.FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The names in {@code dir} other than {@code but}. */
    private static List<String> namesBut(Path dir, String but) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals(but)).toList();
        }
    }

    /** Creates {@code parent/folder} and returns it; null when it exists already. */
    private static Path newFolder(Path parent, String folder) throws StagingException {
        Stager.checkFolderName(folder);
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StagingException("cannot create the staging folder " + parent + ": " + e.getMessage(), e);
        }
        Path dir = parent.resolve(folder);
        try {
            return Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return null;
        } catch (IOException e) {
            throw new StagingException("cannot create staging folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The text of the folder's marker; null when it has none (a link or an oversized file does not count). */
    private static String readMarker(Path dir) throws StagingException {
        Path marker = dir.resolve(StagingMark.FILE);
        try {
            if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (Files.size(marker) > StagingMark.MAX_SIZE) {
                return "";
            }
            return Files.readString(marker, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StagingException("cannot read " + marker + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes everything in {@code dir} but its marker. Links are removed, never followed, so nothing outside the
     * folder is touched.
     */
    private static void clear(Path dir) throws IOException {
        for (String name : namesBut(dir, StagingMark.FILE)) {
            Path entry = dir.resolve(name);
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.delete(entry);
            } else {
                Files.deleteIfExists(entry);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException ignored) {
            // the failure being reported matters more than the leftovers
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    protected Artifact copy(Path file, String name) throws StagingException {
        Path partial = dir.resolve("." + name + ".partial");
        Path dest = dir.resolve(name);
        written.add(partial.getFileName().toString());
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = Files.newInputStream(file);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha)) {
                size = in.transferTo(out);
            }
            if (mark != null && !mark.isIn(readMarker(dir))) {
                Files.deleteIfExists(partial);
                throw new StagingException("staging folder " + dir + " was taken over by another attempt of build "
                    + mark.build() + "; attempt " + mark.attempt() + " leaves it alone");
            }
            Files.move(partial, dest, StandardCopyOption.ATOMIC_MOVE);
            written.add(name);
            return new Artifact(name, size, HexFormat.of().formatHex(sha.digest()), location.apply(dest));
        } catch (IOException e) {
            throw new StagingException("cannot copy " + name + " to " + dir + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void release(boolean keep) {
        if (keep) {
            return;
        }
        try {
            // Another attempt took the folder over: what is in it is that attempt's now.
            if (mark != null && !mark.isIn(readMarker(dir))) {
                return;
            }
        } catch (StagingException e) {
            return; // unsure whose the folder is: leave it
        }
        // Only the names this attempt wrote, newest first; the marker last, so that if this stops halfway a retry
        // still finds the folder its build's. The folder goes only if that left it empty.
        try {
            for (int i = written.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(dir.resolve(written.get(i)));
            }
            if (mark != null) {
                Files.deleteIfExists(dir.resolve(StagingMark.FILE));
            }
            Files.delete(dir);
        } catch (IOException ignored) {
            // the failure being reported matters more than the leftovers
        }
    }
}
