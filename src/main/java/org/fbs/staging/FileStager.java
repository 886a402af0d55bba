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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.fbs.build.Artifact;
import org.fbs.build.FileTrees;

/**
 * Copies a build's files into a new folder of their own under a {@code file:///} staging root: each file via a
 * temporary name and an atomic rename, so nobody sees half a file, and never into another build's folder.
 * Blocking.
 */
public final class FileStager {

    private final List<Path> allowedRoots;

    /** @param allowedRoots the only folders staging may write under ({@code worker.staging-roots}) */
    public FileStager(List<Path> allowedRoots) {
        this.allowedRoots = List.copyOf(allowedRoots);
    }

    /** Fails now if this worker may not stage to {@code stagingUrl}: better before the build than after it. */
    public void check(String stagingUrl) throws StagingException {
        allowedRoot(stagingUrl);
    }

    /** Stages into {@code <staging path>/<folder>/}, checking the path against the allowed roots. */
    public List<Artifact> stage(String stagingUrl, String folder, List<Path> files) throws StagingException {
        Path root = allowedRoot(stagingUrl);
        return copyInto(root, folder, files);
    }

    /** Stages into {@code root/<folder>/} with no root check: for places the worker chose itself. */
    public static List<Artifact> copyInto(Path root, String folder, List<Path> files) throws StagingException {
        if (!folder.matches("[A-Za-z0-9._+-]+") || folder.startsWith(".")) {
            throw new StagingException("bad staging folder name: " + folder);
        }
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            if (!names.add(file.getFileName().toString())) {
                throw new StagingException("two files named " + file.getFileName() + "; one would replace the other");
            }
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StagingException("cannot create the staging folder " + root + ": " + e.getMessage(), e);
        }
        Path target = root.resolve(folder);
        try {
            Files.createDirectory(target);
        } catch (FileAlreadyExistsException e) {
            throw new StagingException("staging folder " + target + " already exists; not overwriting it");
        } catch (IOException e) {
            throw new StagingException("cannot create staging folder " + target + ": " + e.getMessage(), e);
        }
        List<Artifact> staged = new ArrayList<>();
        try {
            for (Path file : files) {
                staged.add(copy(file, target));
            }
        } catch (StagingException e) {
            removeQuietly(target);
            throw e;
        }
        return staged;
    }

    /** Takes back a half-staged folder, so that a retry of the build can stage again. */
    private static void removeQuietly(Path folder) {
        try {
            FileTrees.delete(folder);
        } catch (IOException ignored) {
            // the failure being reported matters more than the leftovers
        }
    }

    private static Artifact copy(Path file, Path target) throws StagingException {
        String name = file.getFileName().toString();
        Path partial = target.resolve("." + name + ".partial");
        Path dest = target.resolve(name);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = Files.newInputStream(file);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha)) {
                size = in.transferTo(out);
            }
            Files.move(partial, dest, StandardCopyOption.ATOMIC_MOVE);
            return new Artifact(name, size, HexFormat.of().formatHex(sha.digest()), dest.toUri().toString());
        } catch (IOException e) {
            throw new StagingException("cannot copy " + name + " to " + target + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The staging URL's folder, if it lies under an allowed root (symbolic links resolved). */
    private Path allowedRoot(String stagingUrl) throws StagingException {
        if (!stagingUrl.startsWith("file:///")) {
            throw new StagingException("only file:/// staging is available on this worker");
        }
        // The spec parser took the path literally (no percent-decoding), so this does too.
        Path path = Path.of(stagingUrl.substring("file://".length())).normalize();
        Path real = realPathOfNearestExisting(path);
        for (Path root : allowedRoots) {
            Path realRoot = realPathOfNearestExisting(root);
            if (real.startsWith(realRoot)) {
                return real;
            }
        }
        throw new StagingException("staging: " + path + " is not under a folder this worker stages to "
            + allowedRoots + " (worker.staging-roots)");
    }

    /** The real path of {@code path}, resolving links in the part that exists and keeping the rest as written. */
    private static Path realPathOfNearestExisting(Path path) throws StagingException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            throw new StagingException("staging: cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }
}
