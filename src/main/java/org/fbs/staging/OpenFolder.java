package org.fbs.staging;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A folder held open by its file descriptor ({@link SecureDirectoryStream}): every name is looked up relative to it
 * and never through a symbolic link, so nobody who can rename or replace folders on the way to it (a local user
 * with write access to a staging root) can redirect a write, a read or a removal somewhere else. Blocking.
 */
final class OpenFolder implements AutoCloseable {

    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW,
        LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    /** Where the folder was when it was opened: for messages and recorded locations only, never to write through. */
    final Path path;
    private final SecureDirectoryStream<Path> fd;

    private OpenFolder(Path path, SecureDirectoryStream<Path> fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Opens {@code dir} (absolute), creating the folders that are missing. Links in the part that exists are resolved
     * first (an operator's {@code /srv -> /data/srv} is fine); from there every step is taken from the folder before
     * it without following links, so a link that appears on the way meanwhile is refused, not followed.
     */
    static OpenFolder openCreating(Path dir) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new NoSuchFileException(dir.toString());
        }
        Path real = existing.toRealPath().resolve(existing.relativize(dir)).normalize();
        OpenFolder at = root(real.getRoot());
        try {
            for (Path segment : real.getRoot().relativize(real)) {
                OpenFolder next;
                try {
                    next = at.openChild(segment.toString());
                } catch (NoSuchFileException e) {
                    try {
                        Files.createDirectory(at.path.resolve(segment));
                    } catch (FileAlreadyExistsException raced) {
                        // made meanwhile: opened below like any other, links refused
                    }
                    next = at.openChild(segment.toString());
                }
                at.close();
                at = next;
            }
            return at;
        } catch (IOException | RuntimeException e) {
            at.close();
            throw e;
        }
    }

    private static OpenFolder root(Path root) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(root);
        if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
            stream.close();
            throw new IOException("this system cannot open folders relative to each other (no openat);"
                + " FBS will not stage to local folders on it");
        }
        return new OpenFolder(root, secure);
    }

    /** Opens the folder {@code name} in this one; a link, a file or anything but a folder fails. */
    OpenFolder openChild(String name) throws IOException {
        return new OpenFolder(path.resolve(name), (SecureDirectoryStream<Path>) fd.newDirectoryStream(Path.of(name),
            LinkOption.NOFOLLOW_LINKS));
    }

    /** Creates folder {@code name} in this one (by path: the JDK has no mkdirat) and opens it without links. */
    OpenFolder createChild(String name) throws IOException {
        Files.createDirectory(path.resolve(name));
        return openChild(name);
    }

    /** The attributes of this folder itself, from its descriptor. */
    PosixFileAttributes attributes() throws IOException {
        return fd.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    }

    /** The attributes of {@code name} itself (a link is a link); null when there is nothing of that name. */
    PosixFileAttributes attributesOf(String name) throws IOException {
        try {
            return fd.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Whether this process's user owns {@code attributes}' file: only then can FBS have made it. */
    static boolean ownedByUs(PosixFileAttributes attributes) throws IOException {
        return attributes.owner().equals(us());
    }

    /** The user this process runs as, looked up by number (a number that names no user is taken as a uid). */
    static UserPrincipal us() throws IOException {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName(Long.toString(new UnixSystem().getUid()));
    }

    /** The names in this folder, in no order. */
    List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> list = fd.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : list) {
                names.add(p.getFileName().toString());
            }
        }
        return names;
    }

    /** A new file {@code name}: fails if anything of that name is there, a link included (which is not followed). */
    SeekableByteChannel createNew(String name) throws IOException {
        return fd.newByteChannel(Path.of(name), CREATE_NEW);
    }

    /** Opens {@code name} for reading; a link is refused. */
    SeekableByteChannel read(String name) throws IOException {
        return fd.newByteChannel(Path.of(name), READ);
    }

    /** Renames {@code from} to {@code to} inside this folder (replacing what {@code to} names, never its target). */
    void rename(String from, String to) throws IOException {
        fd.move(Path.of(from), fd, Path.of(to));
    }

    /** Removes file or link {@code name}, if there; a link's target is never touched. */
    void deleteFile(String name) throws IOException {
        try {
            fd.deleteFile(Path.of(name));
        } catch (NoSuchFileException e) {
            // gone already
        }
    }

    /** Removes {@code name} and, if it is a folder, everything in it; links are removed, never followed. */
    void deleteTree(String name) throws IOException {
        PosixFileAttributes a = attributesOf(name);
        if (a == null) {
            return;
        }
        if (!a.isDirectory()) {
            deleteFile(name);
            return;
        }
        try (OpenFolder child = openChild(name)) {
            for (String inner : child.names()) {
                child.deleteTree(inner);
            }
        }
        fd.deleteDirectory(Path.of(name));
    }

    /** Removes the empty folder {@code name}. */
    void deleteFolder(String name) throws IOException {
        fd.deleteDirectory(Path.of(name));
    }

    @Override
    public void close() {
        try {
            fd.close();
        } catch (IOException ignored) {
            // a descriptor that will not close has nothing left to lose
        }
    }
}
