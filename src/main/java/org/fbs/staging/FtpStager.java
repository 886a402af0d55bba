package org.fbs.staging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.fbs.build.Artifact;
import org.fbs.build.Secrets;

/**
 * Staging to {@code ftp://[user[:password]@]host[:port]/path} with commons-net: passive mode, binary type, the
 * path's folders created as needed, then a new folder for the build. Each file goes up under a hidden temporary
 * name, its size is checked against the local file, and only then is it renamed to its own name. A transfer
 * that breaks is tried again on a new connection, resuming where it stopped (REST) when the server allows it.
 */
public final class FtpStager implements Stager {

    static final int ATTEMPTS = 3;

    private final Duration timeout;
    private final Duration backoff;

    public FtpStager() {
        this(Duration.ofMinutes(2), Duration.ofSeconds(2));
    }

    /**
     * @param timeout how long the server may stay silent (connect, replies, data) before a transfer counts as broken
     * @param backoff the wait before the second attempt; doubled before each further one
     */
    FtpStager(Duration timeout, Duration backoff) {
        this.timeout = timeout;
        this.backoff = backoff;
    }

    /** Logs in and out: wrong credentials or an unreachable server fail the build before it runs, not after. */
    @Override
    public void check(String stagingUrl) throws StagingException {
        FtpTarget target = FtpTarget.parse(stagingUrl);
        FTPClient client = connect(target);
        disconnect(client);
    }

    @Override
    public StagingFolder open(String stagingUrl, long buildId, String folder) throws StagingException {
        Stager.checkFolderName(folder);
        FtpTarget target = FtpTarget.parse(stagingUrl);
        FTPClient client = connect(target);
        try {
            String dir = makeFolder(client, target, folder);
            return new FtpFolder(target, dir, client);
        } catch (IOException e) {
            disconnect(client);
            throw new StagingException("FTP staging to " + target + " failed: " + e.getMessage(), e);
        } catch (StagingException e) {
            disconnect(client);
            throw e;
        }
    }

    /** Connects, logs in, and sets passive mode and binary type. */
    private FTPClient connect(FtpTarget target) throws StagingException {
        FTPClient client = new FTPClient();
        client.setConnectTimeout((int) timeout.toMillis());
        client.setDefaultTimeout((int) timeout.toMillis());
        client.setDataTimeout(timeout);
        // commons-net copies through a 1 KiB buffer unless told otherwise: far too small for images.
        client.setBufferSize(1 << 20);
        try {
            client.connect(target.host(), target.port());
            client.setSoTimeout((int) timeout.toMillis());
            if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
                throw new StagingException("FTP server " + target.host() + ":" + target.port()
                    + " refused the connection: " + reply(client));
            }
            if (!client.login(target.user(), target.password())) {
                throw new StagingException("FTP server " + target.host() + ":" + target.port()
                    + " refused the login of user '" + target.user() + "': " + reply(client)
                    + "; check the user and password in the staging URL");
            }
            client.enterLocalPassiveMode();
            if (!client.setFileType(FTP.BINARY_FILE_TYPE)) {
                throw new StagingException("FTP server " + target.host() + " refused binary mode: " + reply(client));
            }
            return client;
        } catch (IOException e) {
            disconnect(client);
            throw new StagingException("cannot reach the FTP server " + target.host() + ":" + target.port() + ": "
                + e.getMessage(), e);
        } catch (StagingException e) {
            disconnect(client);
            throw e;
        }
    }

    /** Creates the target path as needed, then the build's folder, which must be new; returns its absolute path. */
    private static String makeFolder(FTPClient client, FtpTarget target, String folder)
        throws IOException, StagingException {
        if (!client.changeWorkingDirectory("/")) {
            throw new StagingException("FTP server " + target.host() + ": cannot go to / (" + reply(client) + ")");
        }
        String dir = "";
        for (String segment : target.path().split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            dir += "/" + segment;
            if (!client.changeWorkingDirectory(segment)
                && !(client.makeDirectory(segment) && client.changeWorkingDirectory(segment))) {
                throw new StagingException("FTP server " + target.host() + ": cannot create or enter " + dir
                    + " (" + reply(client) + ")");
            }
        }
        if (client.changeWorkingDirectory(folder)) {
            throw new StagingException("FTP staging folder " + target.location(folder)
                + " already exists; not overwriting it");
        }
        if (!client.makeDirectory(folder) || !client.changeWorkingDirectory(folder)) {
            throw new StagingException("FTP server " + target.host() + ": cannot create " + dir + "/" + folder
                + " (" + reply(client) + ")");
        }
        return dir + "/" + folder;
    }

    private static String reply(FTPClient client) {
        String text = client.getReplyString();
        return text == null ? "no reply" : Secrets.mask(text.strip().replace("\r", "").replace("\n", " "));
    }

    private static void disconnect(FTPClient client) {
        try {
            if (client.isConnected()) {
                client.logout();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            client.disconnect();
        } catch (IOException ignored) {
            // nothing more to do with a broken connection
        }
    }

    /** The build's folder on the FTP server, with the connection that uploads into it. */
    private final class FtpFolder extends StagingFolder {

        private final FtpTarget target;
        private final String dir;
        private final List<String> written = new ArrayList<>();
        private FTPClient client;
        /** Cleared when the server refuses to resume: from then on, failed files are sent again whole. */
        private boolean resumable = true;

        FtpFolder(FtpTarget target, String dir, FTPClient client) {
            this.target = target;
            this.dir = dir;
            this.client = client;
        }

        @Override
        protected Artifact copy(Path file, String name) throws StagingException {
            String partial = "." + name + ".partial";
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new StagingException("cannot stage " + name + ": " + e.getMessage(), e);
            }
            written.add(partial);
            String lastError = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    if (client == null) {
                        client = reconnect();
                    }
                    String sha = upload(file, partial, attempt > 1);
                    long remote = remoteSize(partial);
                    if (remote != size) {
                        throw new IOException(name + " is " + remote + " bytes on the server, not " + size);
                    }
                    if (!client.rename(partial, name)) {
                        throw new IOException("cannot rename " + partial + " to " + name + " (" + reply(client) + ")");
                    }
                    written.add(name);
                    return new Artifact(name, size, sha, target.location(folderName() + "/" + name));
                } catch (IOException e) {
                    lastError = e.getMessage();
                    disconnect(client);
                    client = null;
                    if (attempt < ATTEMPTS) {
                        pause(backoff.multipliedBy(1L << (attempt - 1)));
                    }
                }
            }
            throw new StagingException("FTP upload of " + name + " to " + target.location(folderName())
                + " failed after " + ATTEMPTS + " attempts: " + Secrets.mask(lastError));
        }

        private String folderName() {
            return dir.substring(dir.lastIndexOf('/') + 1);
        }

        private FTPClient reconnect() throws IOException {
            FTPClient fresh;
            try {
                fresh = connect(target);
            } catch (StagingException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (!fresh.changeWorkingDirectory(dir)) {
                disconnect(fresh);
                throw new IOException("cannot enter " + dir + " again (" + reply(fresh) + ")");
            }
            return fresh;
        }

        /**
         * Sends {@code file} to {@code remote}, resuming after what the server already has when {@code resume} is
         * set and the server supports REST; returns the file's SHA-256, computed as it is read.
         */
        private String upload(Path file, String remote, boolean resume) throws IOException {
            boolean resuming = resume && resumable && client.hasFeature("REST", "STREAM");
            long offset = resuming ? Math.max(0, remoteSize(remote)) : 0;
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                // What the server has must still be part of the checksum: read it through the digest.
                byte[] skip = new byte[1 << 16];
                long left = offset;
                while (left > 0) {
                    int n = in.read(skip, 0, (int) Math.min(skip.length, left));
                    if (n < 0) {
                        break;
                    }
                    left -= n;
                }
                client.setRestartOffset(offset);
                boolean stored = client.storeFile(remote, in);
                client.setRestartOffset(0);
                if (!stored) {
                    resumable &= offset == 0;
                    throw new IOException("the server did not take " + remote + " (" + reply(client) + ")");
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        /** The size of {@code remote} on the server, or -1 if the server cannot say. */
        private long remoteSize(String remote) throws IOException {
            String size = client.getSize(remote);
            if (size != null) {
                try {
                    return Long.parseLong(size.trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            var listed = client.listFiles(remote);
            return listed.length == 1 ? listed[0].getSize() : -1;
        }

        @Override
        protected void release(boolean keep) {
            if (!keep) {
                // Take back this build's own files only; the folder was new, so nothing else is in it.
                try {
                    if (client == null) {
                        client = reconnect();
                    }
                    for (String name : written) {
                        client.deleteFile(name);
                    }
                    client.changeWorkingDirectory("/");
                    client.removeDirectory(dir);
                } catch (IOException ignored) {
                    // the failure being reported matters more than the leftovers
                }
            }
            if (client != null) {
                disconnect(client);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(Duration wait) throws StagingException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StagingException("staging was interrupted");
        }
    }
}
