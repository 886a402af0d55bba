package org.fbs.staging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbs.build.Secrets;

/**
 * Staging to {@code file:///path}: copies a build's files into a folder of their own under the path, each via
 * a temporary name and an atomic rename, never into another build's folder, and only under the folders this
 * worker may write to. Blocking.
 */
public final class FileStager implements Stager {

    private final List<Path> allowedRoots;

    /** @param allowedRoots the only folders staging may write under ({@code worker.staging-roots}) */
    public FileStager(List<Path> allowedRoots) {
        this.allowedRoots = List.copyOf(allowedRoots);
    }

    @Override
    public void check(String stagingUrl) throws StagingException {
        allowedRoot(stagingUrl);
    }

    /**
     * Creates {@code <staging path>/<folder>/} (or takes back the one an earlier attempt of the build left),
     * checking the path against the allowed roots.
     */
    @Override
    public StagingFolder open(String stagingUrl, StagingMark mark, String folder) throws StagingException {
        Stager.checkFolderName(folder);
        return LocalFolder.claim(allowedRoot(stagingUrl), folder, mark, dest -> dest.toUri().toString());
    }

    /** The staging URL's folder, if it lies under an allowed root (symbolic links resolved). */
    private Path allowedRoot(String stagingUrl) throws StagingException {
        if (!stagingUrl.startsWith("file:///")) {
            throw new StagingException("staging: expected a file:/// URL, not " + Secrets.mask(stagingUrl));
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
