package org.fbs.staging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import org.fbs.build.Artifact;
import org.fbs.build.FileTrees;

/**
 * A new folder on this machine's file system: each file is written under a hidden temporary name and renamed
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
        Stager.checkFolderName(folder);
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StagingException("cannot create the staging folder " + parent + ": " + e.getMessage(), e);
        }
        Path dir = parent.resolve(folder);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new StagingException("staging folder " + dir + " already exists; not overwriting it");
        } catch (IOException e) {
            throw new StagingException("cannot create staging folder " + dir + ": " + e.getMessage(), e);
        }
        return new LocalFolder(dir, location);
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
            try {
                FileTrees.delete(dir);
            } catch (IOException ignored) {
                // the failure being reported matters more than the leftovers
            }
        }
    }
}
