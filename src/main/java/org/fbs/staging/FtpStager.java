package org.fbs.staging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.fbs.build.Artifact;
import org.fbs.build.Secrets;

/**
 * Staging to {@code ftp://[user[:password]@]host[:port]/path} with commons-net: passive mode, binary type, the
 * path's folders created as needed, then the build's own folder, marked first ({@link StagingMark}). Each file
 * goes up under a hidden temporary name, its size is checked against the local file, and only then is it renamed
 * to its own name. A transfer that breaks is tried again on a new connection, resuming where it stopped (REST)
 * when the server allows it.
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

    /**
     * Creates the build's folder and uploads its marker before anything else; or, when the folder exists and an
     * earlier attempt of the same build marked it (or it is empty), replaces the marker with this attempt's and
     * empties the folder (on the server, inside that folder only) before using it.
     */
    @Override
    public StagingFolder open(String stagingUrl, StagingMark mark, String folder) throws StagingException {
        Stager.checkFolderName(folder);
        FtpTarget target = FtpTarget.parse(stagingUrl);
        FTPClient client = connect(target);
        FtpFolder opened;
        boolean takeOver;
        String dir = folder;
        try {
            dir = enterPath(client, target) + "/" + folder;
            takeOver = client.changeWorkingDirectory(folder);
            if (takeOver) {
                List<FTPFile> entries = list(client, dir);
                List<String> others = entries.stream().map(FTPFile::getName)
                    .filter(name -> !name.equals(StagingMark.FILE)).toList();
                mark.checkClaim(target.location(folder), readMarker(client, dir, entries), others);
            } else if (!client.makeDirectory(folder) || !client.changeWorkingDirectory(folder)) {
                throw new StagingException("FTP server " + target.host() + ": cannot create " + dir + " ("
                    + reply(client) + ")");
            }
            opened = new FtpFolder(target, dir, client, mark);
        } catch (IOException e) {
            disconnect(client);
            throw new StagingException("FTP staging to " + target + " failed: " + e.getMessage(), e);
        } catch (StagingException e) {
            disconnect(client);
            throw e;
        } catch (RuntimeException e) {
            // commons-net's listing parsers fail with unchecked exceptions (ParserInitializationException)
            disconnect(client);
            throw new StagingException("FTP server " + target.host() + ": cannot read the listing of " + dir + ": "
                + Secrets.mask(String.valueOf(e.getMessage())), e);
        }
        try {
            // Marked first: an older attempt still running now finds the folder no longer its own and leaves it.
            opened.mark();
            if (takeOver) {
                opened.clear();
            }
            return opened;
        } catch (StagingException e) {
            opened.close(); // takes back what this attempt put there, if the folder is still its own
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

    /** Goes to the target path, creating its folders as needed; returns its absolute path ("" for the root). */
    private static String enterPath(FTPClient client, FtpTarget target) throws IOException, StagingException {
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
        return dir;
    }

    /** The entries of folder {@code dir}, hidden ones too, without "." and "..". */
    private static List<FTPFile> list(FTPClient client, String dir) throws IOException {
        client.setListHiddenFiles(true);
        List<FTPFile> entries = new ArrayList<>();
        for (FTPFile entry : client.listFiles(dir)) {
            if (entry != null && !entry.getName().equals(".") && !entry.getName().equals("..")) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * The text of the marker in {@code dir}, whose entries are {@code entries}; null when it has none (a folder or an
     * oversized file does not count), "" when it is too big to be one.
     */
    private static String readMarker(FTPClient client, String dir, List<FTPFile> entries) throws IOException {
        for (FTPFile entry : entries) {
            if (entry.getName().equals(StagingMark.FILE)) {
                if (!entry.isFile() || entry.getSize() > StagingMark.MAX_SIZE) {
                    return null;
                }
                return readCapped(client, dir + "/" + StagingMark.FILE);
            }
        }
        return null;
    }

    /**
     * Reads {@code path}, but no more than a marker's limit and a byte: a listing that gives no size must not let a
     * huge file be read into memory. Returns "" when the file is bigger than the limit.
     */
    private static String readCapped(FTPClient client, String path) throws IOException {
        InputStream in = client.retrieveFileStream(path);
        if (in == null) {
            throw new IOException("cannot read " + path + " (" + reply(client) + ")");
        }
        byte[] text;
        try (in) {
            text = in.readNBytes(StagingMark.MAX_SIZE + 1);
        }
        // A transfer closed early is answered with an error; the reply must be read either way.
        boolean whole = client.completePendingCommand();
        if (text.length > StagingMark.MAX_SIZE) {
            return "";
        }
        if (!whole) {
            throw new IOException("cannot read " + path + " (" + reply(client) + ")");
        }
        return new String(text, StandardCharsets.UTF_8);
    }

    /**
     * Deletes everything in {@code dir} but its marker, folders and all. Only names the server lists as entries of
     * the folder are used, one path segment each, so nothing outside it is touched; what cannot be removed fails.
     */
    private static void clear(FTPClient client, FtpTarget target, String dir) throws IOException, StagingException {
        for (FTPFile entry : list(client, dir)) {
            if (!entry.getName().equals(StagingMark.FILE)) {
                deleteTree(client, target, dir, entry);
            }
        }
        // Checked by bare names, which need no parsing: an entry the listing parser skipped would show here.
        String[] left = client.listNames(dir);
        for (String path : left == null ? new String[0] : left) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (!name.equals(StagingMark.FILE) && !name.equals(".") && !name.equals("..")) {
                throw new StagingException("FTP server " + target.host() + ": cannot clear " + dir + " for this"
                    + " build's retry: " + name + " is still there (" + reply(client) + ")");
            }
        }
    }

    private static void deleteTree(FTPClient client, FtpTarget target, String dir, FTPFile entry)
        throws IOException, StagingException {
        String name = entry.getName();
        if (name.isEmpty() || name.contains("/") || name.chars().anyMatch(c -> c < 0x20)) {
            throw new StagingException("FTP server " + target.host() + " lists an entry of " + dir
                + " that is not a plain name; not clearing it");
        }
        String path = dir + "/" + name;
        if (entry.isDirectory()) {
            for (FTPFile inner : list(client, path)) {
                deleteTree(client, target, path, inner);
            }
            client.removeDirectory(path);
        } else {
            // A link is removed as a file: its target is never followed.
            client.deleteFile(path);
        }
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
        private final StagingMark mark;
        /** What this attempt put into the folder, in the order it went in (temporary names too); the marker first. */
        private final List<String> written = new ArrayList<>();
        private FTPClient client;
        /** Cleared when the server refuses to resume: from then on, failed files are sent again whole. */
        private boolean resumable = true;

        FtpFolder(FtpTarget target, String dir, FTPClient client, StagingMark mark) {
            this.target = target;
            this.dir = dir;
            this.client = client;
            this.mark = mark;
        }

        /** Uploads this attempt's marker, whole or not at all, in place of any marker there. */
        void mark() throws StagingException {
            byte[] text = mark.text().getBytes(StandardCharsets.UTF_8);
            send(() -> new ByteArrayInputStream(text), StagingMark.FILE, text.length);
        }

        /** Removes everything an earlier attempt left in the folder, all but the marker. */
        void clear() throws StagingException {
            try {
                FtpStager.clear(client, target, dir);
            } catch (IOException | RuntimeException e) {
                throw new StagingException("FTP server " + target.host() + ": cannot clear " + dir + " for attempt "
                    + mark.attempt() + " of build " + mark.build() + ": " + Secrets.mask(String.valueOf(
                    e.getMessage())), e);
            }
        }

        /** Whether the folder's marker still names this attempt (another may have taken the folder over). */
        private boolean stillOurs() throws IOException {
            return mark.isIn(readMarker(client, dir, list(client, dir)));
        }

        @Override
        protected Artifact copy(Path file, String name) throws StagingException {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new StagingException("cannot stage " + name + ": " + e.getMessage(), e);
            }
            String sha = send(() -> Files.newInputStream(file), name, size);
            return new Artifact(name, size, sha, target.location(folderName() + "/" + name));
        }

        /**
         * Uploads {@code size} bytes from {@code source} as {@code name}: under a hidden temporary name, checked for
         * size, then renamed; a broken transfer is tried again. Returns the SHA-256 of what was sent.
         */
        private String send(Source source, String name, long size) throws StagingException {
            String partial = "." + name + ".partial";
            written.add(partial);
            String lastError = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    if (client == null) {
                        client = reconnect();
                    }
                    String sha = upload(source, partial, attempt > 1);
                    long remote = remoteSize(partial);
                    if (remote != size) {
                        throw new IOException(name + " is " + remote + " bytes on the server, not " + size);
                    }
                    if (!name.equals(StagingMark.FILE) && !stillOurs()) {
                        client.deleteFile(partial); // this attempt's own temporary file
                        throw new StagingException("staging folder " + target.location(folderName()) + " was taken"
                            + " over by another attempt of build " + mark.build() + "; attempt " + mark.attempt()
                            + " leaves it alone");
                    }
                    // An earlier attempt's marker is replaced; servers that will not rename over a file get it
                    // removed first (the folder is unmarked only between the two commands).
                    boolean renamed = client.rename(partial, name) || name.equals(StagingMark.FILE)
                        && client.deleteFile(name) && client.rename(partial, name);
                    if (!renamed) {
                        throw new IOException("cannot rename " + partial + " to " + name + " (" + reply(client) + ")");
                    }
                    written.add(name);
                    return sha;
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
         * Sends {@code source} to {@code remote}, resuming after what the server already has when {@code resume} is
         * set and the server supports REST; returns the SHA-256 of what was read, computed as it is read.
         */
        private String upload(Source source, String remote, boolean resume) throws IOException {
            boolean resuming = resume && resumable && client.hasFeature("REST", "STREAM");
            long offset = resuming ? Math.max(0, remoteSize(remote)) : 0;
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(source.open(), sha)) {
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
                // Only while the folder is still this attempt's: one that took it over owns what is in it now.
                // Then only this attempt's own names, newest first, the marker last: if this stops halfway, a retry
                // still finds the folder its build's. Unmarked (this attempt's marker never landed), only its
                // temporary files go, and the folder if that empties it.
                try {
                    if (client == null) {
                        client = reconnect();
                    }
                    String marker = readMarker(client, dir, list(client, dir));
                    boolean ours = mark.isIn(marker);
                    if (ours || marker == null) {
                        for (int i = written.size() - 1; i >= 0; i--) {
                            if (ours || written.get(i).endsWith(".partial")) {
                                client.deleteFile(written.get(i));
                            }
                        }
                        client.changeWorkingDirectory("/");
                        client.removeDirectory(dir);
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the failure being reported matters more than the leftovers
                }
            }
            if (client != null) {
                disconnect(client);
            }
        }
    }

    /** Where an upload reads from; opened again for each attempt. */
    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException;
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
