package org.fbs.staging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fbs.build.Artifact;

/**
 * One kind of staging destination (a local folder, an FTP server, the worker itself). Each build gets a folder of
 * its own there, so no build ever touches another's files; a later attempt of the same build may take its folder
 * back, and an older attempt never undoes a newer one's ({@link StagingMark}). Blocking: call it off the event loop.
 */
public interface Stager {

    /** Fails now if this worker cannot stage to {@code stagingUrl}: better before the build than after it. */
    void check(String stagingUrl) throws StagingException;

    /**
     * Creates the build's own folder at the destination, marked as {@code mark}'s. If it exists already, it is
     * re-marked, emptied and used again only when an earlier attempt of the same build marked it (on an FTP server,
     * where a folder cannot be made marked, also when it is empty); otherwise this fails and touches nothing.
     */
    StagingFolder open(String stagingUrl, StagingMark mark, String folder) throws StagingException;

    /** Stages {@code files} under their own names into the build's folder and commits them. */
    default List<Artifact> stage(String stagingUrl, StagingMark mark, String folder, List<Path> files)
        throws StagingException {
        try (StagingFolder target = open(stagingUrl, mark, folder)) {
            List<Artifact> staged = new ArrayList<>();
            for (Path file : files) {
                staged.add(target.put(file, file.getFileName().toString()));
            }
            target.commit();
            return staged;
        }
    }

    /** Checks a folder name before anything is created: one path segment, visible, no surprises. */
    static void checkFolderName(String folder) throws StagingException {
        if (!folder.matches("[A-Za-z0-9._+-]+") || folder.startsWith(".")) {
            throw new StagingException("bad staging folder name: " + folder);
        }
    }
}
