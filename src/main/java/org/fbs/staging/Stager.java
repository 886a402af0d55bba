package org.fbs.staging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fbs.build.Artifact;

/**
 * One kind of staging destination (a local folder, an FTP server, the worker itself). Each build gets a new
 * folder of its own there, so no build ever touches another's files. Blocking: call it off the event loop.
 */
public interface Stager {

    /** Fails now if this worker cannot stage to {@code stagingUrl}: better before the build than after it. */
    void check(String stagingUrl) throws StagingException;

    /** Creates the build's own folder at the destination; fails if it exists already. */
    StagingFolder open(String stagingUrl, long buildId, String folder) throws StagingException;

    /** Stages {@code files} under their own names into a new folder and commits them. */
    default List<Artifact> stage(String stagingUrl, long buildId, String folder, List<Path> files)
        throws StagingException {
        try (StagingFolder target = open(stagingUrl, buildId, folder)) {
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
