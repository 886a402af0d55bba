package org.fbs.staging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.fbs.build.Artifact;

/**
 * A build's own folder on this machine's file system, held open ({@link OpenFolder}): FBS makes it itself, under a
 * hidden temporary name with its marker already inside, then renames it into place, so a folder without a marker of
 * ours is never one FBS made and is never used. Each file is written as a new file (never through an existing name
 * or a link) under a hidden temporary name and renamed atomically, so nobody sees half a file.
 */
class LocalFolder extends StagingFolder {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final OpenFolder parent;
    private final OpenFolder dir;
    private final String name;
    /** Where the folder is, for messages and recorded locations; every access goes through {@link #dir}. */
    private final Path path;
    private final Function<Path, String> location;
    /** The attempt whose marker is in the folder; null for a folder without one (the worker's own). */
    private final StagingMark mark;
    /** What this attempt put into the folder, in the order it went in (temporary names too). */
    private final List<String> written = new ArrayList<>();

    private LocalFolder(OpenFolder parent, OpenFolder dir, String name, Function<Path, String> location,
        StagingMark mark) {
        this.parent = parent;
        this.dir = dir;
        this.name = name;
        this.path = parent.path.resolve(name);
        this.location = location;
        this.mark = mark;
    }

    /**
     * Creates {@code parent/folder}, which must not exist yet.
     *
     * @param location what to record as where a staged file is
     */
    static LocalFolder create(Path parent, String folder, Function<Path, String> location) throws StagingException {
        OpenFolder at = openParent(parent);
        LocalFolder made = made(at, folder, null, location);
        if (made == null) {
            at.close();
            throw new StagingException("staging folder " + at.path.resolve(folder) + " already exists; not"
                + " overwriting it");
        }
        return made;
    }

    /**
     * Creates {@code parent/folder} with {@code mark}'s marker in it, or, when the folder exists, takes it if an
     * earlier attempt of the same build marked it ({@link StagingMark#checkClaim}): the marker is replaced by this
     * attempt's first, then everything else in the folder is removed. A folder without a marker FBS wrote (or one
     * that is not a folder, or not this user's) is refused and left as it is.
     *
     * @param location what to record as where a staged file is
     */
    static LocalFolder claim(Path parent, String folder, StagingMark mark, Function<Path, String> location)
        throws StagingException {
        OpenFolder at = openParent(parent);
        try {
            LocalFolder made = made(at, folder, mark, location);
            return made != null ? made : takeOver(at, folder, mark, location);
        } catch (StagingException | RuntimeException e) {
            at.close();
            throw e;
        }
    }

    private static OpenFolder openParent(Path parent) throws StagingException {
        try {
            return OpenFolder.openCreating(parent);
        } catch (IOException e) {
            throw new StagingException("cannot create or open the staging folder " + parent + ": " + e, e);
        }
    }

    /**
     * Makes the folder: under a hidden random name first, marked, then renamed to {@code folder}. Returns null when
     * {@code folder} exists already.
     */
    private static LocalFolder made(OpenFolder parent, String folder, StagingMark mark,
        Function<Path, String> location) throws StagingException {
        Stager.checkFolderName(folder);
        Path target = parent.path.resolve(folder);
        String fresh = "." + folder + "." + HexFormat.of().formatHex(randomBytes()) + ".new";
        OpenFolder dir = null;
        try {
            if (parent.attributesOf(folder) != null) {
                return null;
            }
            dir = parent.createChild(fresh);
            PosixFileAttributes a = dir.attributes();
            if (!OpenFolder.ownedByUs(a) || !dir.names().isEmpty()) {
                throw new IOException("the folder made as " + fresh + " was replaced meanwhile");
            }
            if (mark != null) {
                // The marker goes in before the folder has its name: a folder by that name without it is not ours.
                writeMarker(dir, mark);
            }
            if (parent.attributesOf(folder) != null) {
                throw new FileAlreadyExistsException(target.toString());
            }
            // A rename would replace an empty folder made in the moment since the look above: nothing is lost then.
            parent.rename(fresh, folder);
            return new LocalFolder(parent, dir, folder, location, mark);
        } catch (FileAlreadyExistsException e) {
            removeFresh(parent, dir, fresh);
            return null;
        } catch (IOException e) {
            removeFresh(parent, dir, fresh);
            throw new StagingException("cannot create staging folder " + target + ": " + e, e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void removeFresh(OpenFolder parent, OpenFolder dir, String fresh) {
        if (dir == null) {
            return;
        }
        try {
            dir.close();
            parent.deleteTree(fresh);
        } catch (IOException ignored) {
            // the failure being reported matters more than the leftovers
        }
    }

    /** Takes over {@code folder}, which exists, if an earlier attempt of {@code mark}'s build made it. */
    private static LocalFolder takeOver(OpenFolder parent, String folder, StagingMark mark,
        Function<Path, String> location) throws StagingException {
        Path path = parent.path.resolve(folder);
        OpenFolder dir;
        try {
            PosixFileAttributes found = parent.attributesOf(folder);
            // A link could lead anywhere, a plain file is nobody's folder: neither is taken.
            if (found == null || !found.isDirectory()) {
                throw new StagingException("staging folder " + path + " already exists and is not a folder; not"
                    + " overwriting it");
            }
            dir = parent.openChild(folder);
        } catch (IOException e) {
            throw new StagingException("staging folder " + path + " already exists and cannot be opened as a folder"
                + " without following links (" + e + "); not overwriting it", e);
        }
        try {
            PosixFileAttributes attributes = dir.attributes();
            if (!OpenFolder.ownedByUs(attributes)) {
                throw new StagingException("staging folder " + path + " already exists and belongs to user "
                    + attributes.owner().getName() + ", so FBS did not make it; not overwriting it");
            }
            List<String> others = dir.names().stream().filter(n -> !n.equals(StagingMark.FILE)).toList();
            mark.checkClaim(path.toString(), readMarker(dir), others, false);
            // Marked first: an older attempt still running now finds the folder no longer its own and leaves it.
            writeMarker(dir, mark);
            for (String other : dir.names()) {
                if (!other.equals(StagingMark.FILE)) {
                    dir.deleteTree(other);
                }
            }
            return new LocalFolder(parent, dir, folder, location, mark);
        } catch (IOException e) {
            dir.close();
            throw new StagingException("cannot take over staging folder " + path + " for attempt " + mark.attempt()
                + " of build " + mark.build() + ": " + e, e);
        } catch (StagingException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /** Writes {@code mark}'s marker into {@code dir} as a new file and renames it over any marker there. */
    private static void writeMarker(OpenFolder dir, StagingMark mark) throws IOException {
        // A leftover (or a link someone put there) is removed, never written through.
        dir.deleteFile(StagingMark.PARTIAL);
        try (SeekableByteChannel out = dir.createNew(StagingMark.PARTIAL)) {
            ByteBuffer text = ByteBuffer.wrap(mark.text().getBytes(StandardCharsets.UTF_8));
            while (text.hasRemaining()) {
                out.write(text);
            }
        }
        dir.rename(StagingMark.PARTIAL, StagingMark.FILE);
    }

    /**
     * The text of the folder's marker; null when it has none. A link, an oversized file or one another user owns
     * does not count: only FBS writes markers, as the user it runs as.
     */
    private static String readMarker(OpenFolder dir) throws IOException {
        PosixFileAttributes a = dir.attributesOf(StagingMark.FILE);
        if (a == null || !a.isRegularFile() || !OpenFolder.ownedByUs(a)) {
            return null;
        }
        if (a.size() > StagingMark.MAX_SIZE) {
            return "";
        }
        try (InputStream in = Channels.newInputStream(dir.read(StagingMark.FILE))) {
            return new String(in.readNBytes(StagingMark.MAX_SIZE + 1), StandardCharsets.UTF_8);
        }
    }

    Path dir() {
        return path;
    }

    @Override
    protected Artifact copy(Path file, String name) throws StagingException {
        String partial = "." + name + ".partial";
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = Files.newInputStream(file)) {
                SeekableByteChannel channel = dir.createNew(partial);
                written.add(partial);
                try (OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha)) {
                    size = in.transferTo(out);
                }
            }
            if (mark != null && !mark.isIn(readMarker(dir))) {
                dir.deleteFile(partial);
                throw new StagingException("staging folder " + path + " was taken over by another attempt of build "
                    + mark.build() + "; attempt " + mark.attempt() + " leaves it alone");
            }
            if (dir.attributesOf(name) != null) {
                throw new FileAlreadyExistsException(path.resolve(name).toString(), null, "someone else put it"
                    + " into the build's folder");
            }
            dir.rename(partial, name);
            written.add(name);
            return new Artifact(name, size, HexFormat.of().formatHex(sha.digest()), location.apply(
                path.resolve(name)));
        } catch (IOException e) {
            throw new StagingException("cannot copy " + name + " to " + path + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void release(boolean keep) {
        try {
            if (!keep) {
                takeBack();
            }
        } finally {
            dir.close();
            parent.close();
        }
    }

    private void takeBack() {
        try {
            // Another attempt took the folder over: what is in it is that attempt's now.
            if (mark != null && !mark.isIn(readMarker(dir))) {
                return;
            }
        } catch (IOException e) {
            return; // unsure whose the folder is: leave it
        }
        // Only the names this attempt wrote, newest first; the marker last, so that if this stops halfway a retry
        // still finds the folder its build's. The folder goes only if that left it empty.
        try {
            for (int i = written.size() - 1; i >= 0; i--) {
                dir.deleteFile(written.get(i));
            }
            if (mark != null) {
                dir.deleteFile(StagingMark.FILE);
            }
            if (dir.names().isEmpty()) {
                parent.deleteFolder(name);
            }
        } catch (IOException ignored) {
            // the failure being reported matters more than the leftovers
        }
    }
}
