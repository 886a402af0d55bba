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

    private LocalFolder(Path dir, Function<Path, String> location) {
        this.dir = dir;
        this.location = location;
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
        return new LocalFolder(dir, location);
    }

    /**
     * Creates {@code parent/folder} with {@code mark}'s marker in it, or, when the folder exists, takes it back if an
     * earlier attempt of the same build marked it: everything in it but the marker is removed first.
     *
     * @param location what to record as where a staged file is
     */
    static LocalFolder claim(Path parent, String folder, StagingMark mark, Function<Path, String> location)
        throws StagingException {
        Path dir = newFolder(parent, folder);
        if (dir != null) {
            try {
                // The marker goes in before any file: from here on, a retry knows the folder for this build's.
                Files.writeString(dir.resolve(StagingMark.FILE), mark.text(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                deleteQuietly(dir);
                throw new StagingException("cannot mark staging folder " + dir + ": " + e.getMessage(), e);
            }
            return new LocalFolder(dir, location);
        }
        dir = parent.resolve(folder);
        // A link could lead anywhere, a plain file is nobody's folder: neither is taken.
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new StagingException("staging folder " + dir + " already exists and is not a folder; not"
                + " overwriting it");
        }
        mark.checkOwns(dir.toString(), readMarker(dir));
        try {
            clear(dir);
        } catch (IOException e) {
            throw new StagingException("cannot clear staging folder " + dir + " left by an earlier attempt of build "
                + mark.build() + ": " + e.getMessage(), e);
        }
        return new LocalFolder(dir, location);
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
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.filter(p -> !p.getFileName().toString().equals(StagingMark.FILE)).toList();
        }
        for (Path entry : entries) {
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
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = Files.newInputStream(file);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha)) {
                size = in.transferTo(out);
            }
            Files.move(partial, dest, StandardCopyOption.ATOMIC_MOVE);
            return new Artifact(name, size, HexFormat.of().formatHex(sha.digest()), location.apply(dest));
        } catch (IOException e) {
            throw new StagingException("cannot copy " + name + " to " + dir + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void release(boolean keep) {
        if (!keep) {
            // The marker goes last: if this stops halfway, a retry still finds the folder its build's.
            try {
                clear(dir);
            } catch (IOException ignored) {
                // the failure being reported matters more than the leftovers
            }
            deleteQuietly(dir);
        }
    }
}
