package org.fbs.staging;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fbs.build.Artifact;
import org.fbs.build.FileTrees;

/**
 * Staging kind {@code worker}: the files stay on this worker ({@link KeptArtifacts}) and their location is their
 * download link, {@code <worker.public-url>/artifacts/<build id>/<file>}.
 */
public final class WorkerStager implements Stager {

    private final KeptArtifacts kept;
    private final String publicUrl;

    public WorkerStager(KeptArtifacts kept, String publicUrl) {
        this.kept = kept;
        this.publicUrl = publicUrl;
    }

    @Override
    public void check(String stagingUrl) {
        // the worker's own disk: nothing to ask anyone
    }

    /**
     * Creates the build's folder. One left by an earlier run of the same build (a retry) is replaced: it holds
     * that build's files only, so no other build loses anything. No marker is needed: the folder is named by the
     * build number inside this worker's own directory, which only this worker's service writes to.
     */
    @Override
    public StagingFolder open(String stagingUrl, StagingMark mark, String folder) throws StagingException {
        long buildId = mark.build();
        Path own = kept.folderOf(buildId);
        try {
            FileTrees.delete(own);
        } catch (IOException e) {
            throw new StagingException("cannot clear " + own + " for build " + buildId + ": " + e.getMessage(), e);
        }
        String base = publicUrl + "/artifacts/" + buildId + "/";
        LocalFolder local = LocalFolder.create(own.getParent(), own.getFileName().toString(),
            dest -> base + URLEncoder.encode(dest.getFileName().toString(), StandardCharsets.UTF_8));
        return new Recorded(local, buildId);
    }

    /** A local folder whose files are recorded on commit, so that they can be served. */
    private final class Recorded extends StagingFolder {

        private final LocalFolder local;
        private final long buildId;
        private final List<Artifact> files = new ArrayList<>();

        Recorded(LocalFolder local, long buildId) {
            this.local = local;
            this.buildId = buildId;
        }

        @Override
        protected Artifact copy(Path file, String name) throws StagingException {
            Artifact staged = local.put(file, name);
            files.add(staged);
            return staged;
        }

        @Override
        protected void finish() throws StagingException {
            local.commit();
            try {
                kept.record(buildId, files);
            } catch (IOException e) {
                throw new StagingException("cannot record the files of build " + buildId + ": " + e.getMessage(), e);
            }
        }

        @Override
        protected void release(boolean keep) {
            if (!keep) {
                // committed locally but not recorded: still nobody's files, take them back
                try {
                    FileTrees.delete(local.dir());
                } catch (IOException ignored) {
                    // the failure being reported matters more than the leftovers
                }
            }
            local.close();
        }
    }
}
