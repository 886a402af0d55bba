package org.fbs.staging;

import java.nio.file.Path;
import java.util.List;
import org.fbs.build.Secrets;
import org.fbs.config.AllowedHosts;
import org.fbs.spec.BuildSpec;

/** Picks the stager for a staging URL by its kind: {@code worker}, {@code file:///...} or {@code ftp://...}. */
public final class Stagers implements Stager {

    private final WorkerStager worker;
    private final FileStager file;
    private final FtpStager ftp;

    /** @param ftpAllowed FTP hosts that may be internal addresses ({@code worker.ftp.allowed-hosts}) */
    public Stagers(KeptArtifacts kept, String workerPublicUrl, List<Path> stagingRoots, AllowedHosts ftpAllowed) {
        this.worker = new WorkerStager(kept, workerPublicUrl);
        this.file = new FileStager(stagingRoots);
        this.ftp = new FtpStager(ftpAllowed);
    }

    Stager forUrl(String stagingUrl) throws StagingException {
        if (BuildSpec.WORKER_STAGING.equals(stagingUrl)) {
            return worker;
        }
        if (stagingUrl.startsWith("file:")) {
            return file;
        }
        if (stagingUrl.regionMatches(true, 0, "ftp://", 0, 6)) {
            return ftp;
        }
        throw new StagingException("staging: unknown kind " + Secrets.mask(stagingUrl)
            + "; expected worker, file:///path or ftp://host/path");
    }

    @Override
    public void check(String stagingUrl) throws StagingException {
        forUrl(stagingUrl).check(stagingUrl);
    }

    @Override
    public StagingFolder open(String stagingUrl, StagingMark mark, String folder) throws StagingException {
        return forUrl(stagingUrl).open(stagingUrl, mark, folder);
    }
}
