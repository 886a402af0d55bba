package org.fbs.staging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.net.MalformedServerReplyException;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.fbs.build.Artifact;
import org.fbs.build.Secrets;
import org.fbs.config.AllowedHosts;

/**
 * Staging to {@code ftp://[user[:password]@]host[:port]/path} with commons-net: passive mode, binary type, the
 * path's folders (from the login directory, RFC 1738; see {@link FtpTarget}) created as needed, then the build's own
 * folder, marked first ({@link StagingMark}). Each file goes up under a hidden temporary name, its size is checked
 * against the local file, and only then is it renamed to its own name. Whatever breaks on the way (the server gone
 * for a few seconds included) is tried again {@value #ATTEMPTS} times in all on a new connection, with a growing
 * pause, resuming where the upload stopped (REST) when the server allows it.
 * <p>
 * Hostile servers and URLs: only hosts {@link FtpHosts} allows are reached, data connections go to the control
 * connection's peer whatever a PASV reply names, and nothing the server says reaches a build's reason beyond a reply
 * code and a short cleaned text.
 */
public final class FtpStager implements Stager {

    static final int ATTEMPTS = 3;
    /** The longest server text kept in a reason, after the reply code. */
    static final int MAX_REPLY_TEXT = 60;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final FtpHosts hosts;
    private final Duration timeout;
    private final Duration backoff;

    /** @param allowed FTP hosts that may be internal addresses ({@code worker.ftp.allowed-hosts}) */
    public FtpStager(AllowedHosts allowed) {
        this(allowed, Duration.ofMinutes(2), Duration.ofSeconds(2));
    }

    /**
     * @param timeout how long the server may stay silent (connect, replies, data) before a transfer counts as broken
     * @param backoff the wait before the second attempt; doubled before each further one
     */
    FtpStager(AllowedHosts allowed, Duration timeout, Duration backoff) {
        this.hosts = new FtpHosts(allowed);
        this.timeout = timeout;
        this.backoff = backoff;
    }

    /**
     * Logs in, goes to the target folder and creates and removes a probe file there (and the folders it had to make
     * on the way): a wrong password, an unreachable server or a folder the user cannot write fail the build before it
     * runs, not after.
     */
    @Override
    public void check(String stagingUrl) throws StagingException {
        FtpTarget target = FtpTarget.parse(stagingUrl);
        FTPClient client = connectRetrying(target);
        try {
            List<String> made = new ArrayList<>();
            enterPath(client, target, made);
            String probe = ".fbs-write-check-" + HexFormat.of().formatHex(randomBytes());
            if (!client.storeFile(probe, new ByteArrayInputStream(new byte[] {'o', 'k', '\n'}))) {
                throw new StagingException("FTP server " + target.host() + ": user '" + target.user()
                    + "' cannot write into " + target + " (" + reply(client) + ")");
            }
            client.deleteFile(probe);
            for (int i = made.size() - 1; i >= 0; i--) {
                if (!client.changeToParentDirectory() || !client.removeDirectory(made.get(i))) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new StagingException("FTP staging to " + target + " failed: " + describe(e), e);
        } finally {
            disconnect(client);
        }
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
        FTPClient client = connectRetrying(target);
        FtpFolder opened;
        boolean takeOver;
        try {
            enterPath(client, target, new ArrayList<>());
            takeOver = client.changeWorkingDirectory(folder);
            if (takeOver) {
                List<FTPFile> entries = list(client, null);
                List<String> others = entries.stream().map(FTPFile::getName)
                    .filter(name -> !name.equals(StagingMark.FILE)).toList();
                mark.checkClaim(target.location(folder), readMarker(client, entries), others, true);
            } else if (!client.makeDirectory(folder) || !client.changeWorkingDirectory(folder)) {
                throw new StagingException("FTP server " + target.host() + ": cannot create " + target.location(folder)
                    + " (" + reply(client) + ")");
            }
            opened = new FtpFolder(target, folder, client, mark);
        } catch (IOException e) {
            disconnect(client);
            throw new StagingException("FTP staging to " + target + " failed: " + describe(e), e);
        } catch (StagingException e) {
            disconnect(client);
            throw e;
        } catch (RuntimeException e) {
            // commons-net's listing parsers fail with unchecked exceptions (ParserInitializationException)
            disconnect(client);
            throw new StagingException("FTP server " + target.host() + ": cannot read the listing of "
                + target.location(folder), e);
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

    /** {@link #connect}, again after a pause while the server cannot be reached; a refusal is final at once. */
    private FTPClient connectRetrying(FtpTarget target) throws StagingException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return connect(target);
            } catch (IOException e) {
                last = e;
                if (attempt < ATTEMPTS) {
                    pause(backoff.multipliedBy(1L << (attempt - 1)));
                }
            }
        }
        throw new StagingException("cannot reach the FTP server " + target.host() + ":" + target.port() + " ("
            + ATTEMPTS + " attempts): " + describe(last), last);
    }

    /**
     * Connects to the address {@link FtpHosts} checked, logs in, and sets passive mode and binary type. Fails with an
     * IOException when the server cannot be reached (worth another try) and a StagingException when it refuses.
     */
    private FTPClient connect(FtpTarget target) throws IOException, StagingException {
        InetAddress address = hosts.address(target.host());
        FTPClient client = new FTPClient();
        client.setConnectTimeout((int) timeout.toMillis());
        client.setDefaultTimeout((int) timeout.toMillis());
        client.setDataTimeout(timeout);
        // Data connections only to the server we logged in to: the address in a PASV reply is ignored (commons-net
        // 3.9+ does so unless a system property says otherwise: set here, whatever the JVM's properties), and a data
        // connection whose far end is another host is refused.
        client.setIpAddressFromPasvResponse(false);
        client.setRemoteVerificationEnabled(true);
        // commons-net copies through a 1 KiB buffer unless told otherwise: far too small for images.
        client.setBufferSize(1 << 20);
        try {
            client.connect(address, target.port());
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
        } catch (IOException | StagingException | RuntimeException e) {
            disconnect(client);
            throw e;
        }
    }

    /**
     * Goes to the target folder: from the server's root for an absolute path, else from the login directory, creating
     * folders as needed; the names of those it made are added to {@code made}.
     */
    private static void enterPath(FTPClient client, FtpTarget target, List<String> made) throws IOException {
        if (target.absolute() && !client.changeWorkingDirectory("/")) {
            throw new Trouble("cannot go to / (" + reply(client) + ")");
        }
        for (String segment : target.folders()) {
            if (client.changeWorkingDirectory(segment)) {
                continue;
            }
            if (!client.makeDirectory(segment) || !client.changeWorkingDirectory(segment)) {
                throw new Trouble("cannot create or enter " + segment + " in " + target + " (" + reply(client) + ")");
            }
            made.add(segment);
        }
    }

    /** The entries of folder {@code dir} (relative; null: the current one), hidden ones too, without "." and "..". */
    private static List<FTPFile> list(FTPClient client, String dir) throws IOException {
        client.setListHiddenFiles(true);
        List<FTPFile> entries = new ArrayList<>();
        for (FTPFile entry : dir == null ? client.listFiles() : client.listFiles(dir)) {
            if (entry != null && !entry.getName().equals(".") && !entry.getName().equals("..")) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * The text of the marker in the current folder, whose entries are {@code entries}; null when it has none (a
     * folder or an oversized file does not count), "" when it is too big to be one.
     */
    private static String readMarker(FTPClient client, List<FTPFile> entries) throws IOException {
        for (FTPFile entry : entries) {
            if (entry.getName().equals(StagingMark.FILE)) {
                if (!entry.isFile() || entry.getSize() > StagingMark.MAX_SIZE) {
                    return null;
                }
                return readCapped(client, StagingMark.FILE);
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
            throw new Trouble("cannot read " + path + " (" + reply(client) + ")");
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
            throw new Trouble("cannot read " + path + " (" + reply(client) + ")");
        }
        return new String(text, StandardCharsets.UTF_8);
    }

    /**
     * Deletes everything in the current folder but its marker, folders and all. Only names the server lists as
     * entries of the folder are used, one path segment each, so nothing outside it is touched; what cannot be removed
     * fails.
     */
    private static void clear(FTPClient client, FtpTarget target) throws IOException, StagingException {
        for (FTPFile entry : list(client, null)) {
            if (!entry.getName().equals(StagingMark.FILE)) {
                deleteTree(client, target, "", entry);
            }
        }
        // Checked by bare names, which need no parsing: an entry the listing parser skipped would show here.
        String[] left = client.listNames();
        for (String path : left == null ? new String[0] : left) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (!name.equals(StagingMark.FILE) && !name.equals(".") && !name.equals("..")) {
                throw new StagingException("FTP server " + target.host() + ": cannot clear the build's folder for"
                    + " this build's retry: " + clean(name) + " is still there (" + reply(client) + ")");
            }
        }
    }

    /** Deletes {@code entry} of folder {@code dir} ("" for the current one, else "a/b/"). */
    private static void deleteTree(FTPClient client, FtpTarget target, String dir, FTPFile entry)
        throws IOException, StagingException {
        String name = entry.getName();
        if (name.isEmpty() || name.contains("/") || name.chars().anyMatch(c -> c < 0x20)) {
            throw new StagingException("FTP server " + target.host() + " lists an entry of the build's folder"
                + " that is not a plain name; not clearing it");
        }
        String path = dir + name;
        if (entry.isDirectory()) {
            for (FTPFile inner : list(client, path)) {
                deleteTree(client, target, path + "/", inner);
            }
            client.removeDirectory(path);
        } else {
            // A link is removed as a file: its target is never followed.
            client.deleteFile(path);
        }
    }

    /** The last reply's code and a short, cleaned start of its text: all of the server's words a reason shows. */
    static String reply(FTPClient client) {
        String text = client.getReplyString();
        if (text == null || text.isBlank()) {
            return "no reply";
        }
        String first = text.strip().lines().findFirst().orElse("");
        String code = first.length() >= 3 && first.substring(0, 3).matches("[1-5][0-9][0-9]") ? first.substring(0, 3)
            : "?";
        String said = clean(first.length() > 4 ? first.substring(4) : "");
        return said.isEmpty() ? code : code + " " + said;
    }

    /** Only plain printable characters, at most {@value #MAX_REPLY_TEXT} of them, passwords masked. */
    private static String clean(String text) {
        String plain = text.replaceAll("[^A-Za-z0-9 .,:;'()/_@+-]", "").strip();
        String cut = plain.length() > MAX_REPLY_TEXT ? plain.substring(0, MAX_REPLY_TEXT) + "..." : plain;
        return Secrets.mask(cut);
    }

    /**
     * What went wrong, in FBS's own words: exception messages of the network layer can quote what the far end sent
     * (commons-net puts a non-FTP greeting into its message), so only the kind of failure is named.
     */
    static String describe(IOException e) {
        if (e instanceof Trouble) {
            return e.getMessage();
        }
        if (e instanceof MalformedServerReplyException) {
            return "it does not answer like an FTP server";
        }
        if (e instanceof FTPConnectionClosedException) {
            return "the server closed the connection";
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to the host";
        }
        if (e instanceof SocketException) {
            return "the connection broke";
        }
        return "input/output error (" + e.getClass().getSimpleName() + ")";
    }

    private static void disconnect(FTPClient client) {
        if (client == null) {
            return;
        }
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

    /** A failure FBS describes itself (its message holds no server text but a {@link #reply}). */
    private static final class Trouble extends IOException {
        Trouble(String message) {
            super(message);
        }
    }

    /** The build's folder on the FTP server, with the connection that uploads into it (standing in the folder). */
    private final class FtpFolder extends StagingFolder {

        private final FtpTarget target;
        private final String folder;
        private final StagingMark mark;
        /** What this attempt put into the folder, in the order it went in (temporary names too); the marker first. */
        private final List<String> written = new ArrayList<>();
        private FTPClient client;
        /** Cleared when the server refuses to resume: from then on, failed files are sent again whole. */
        private boolean resumable = true;

        FtpFolder(FtpTarget target, String folder, FTPClient client, StagingMark mark) {
            this.target = target;
            this.folder = folder;
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
                FtpStager.clear(client, target);
            } catch (IOException e) {
                throw new StagingException("FTP server " + target.host() + ": cannot clear " + target.location(folder)
                    + " for attempt " + mark.attempt() + " of build " + mark.build() + ": " + describe(e), e);
            } catch (RuntimeException e) {
                throw new StagingException("FTP server " + target.host() + ": cannot read the listing of "
                    + target.location(folder), e);
            }
        }

        /** Whether the folder's marker still names this attempt (another may have taken the folder over). */
        private boolean stillOurs() throws IOException {
            return mark.isIn(readMarker(client, list(client, null)));
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
            return new Artifact(name, size, sha, target.location(folder + "/" + name));
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
                        throw new Trouble(name + " is " + remote + " bytes on the server, not " + size);
                    }
                    if (!name.equals(StagingMark.FILE) && !stillOurs()) {
                        client.deleteFile(partial); // this attempt's own temporary file
                        throw new StagingException("staging folder " + target.location(folder) + " was taken"
                            + " over by another attempt of build " + mark.build() + "; attempt " + mark.attempt()
                            + " leaves it alone");
                    }
                    // An earlier attempt's marker is replaced; servers that will not rename over a file get it
                    // removed first (the folder is unmarked only between the two commands).
                    boolean renamed = client.rename(partial, name) || name.equals(StagingMark.FILE)
                        && client.deleteFile(name) && client.rename(partial, name);
                    if (!renamed) {
                        throw new Trouble("cannot rename " + partial + " to " + name + " (" + reply(client) + ")");
                    }
                    written.add(name);
                    return sha;
                } catch (IOException e) {
                    lastError = describe(e);
                    disconnect(client);
                    client = null;
                    if (attempt < ATTEMPTS) {
                        pause(backoff.multipliedBy(1L << (attempt - 1)));
                    }
                } catch (RuntimeException e) {
                    throw new StagingException("FTP server " + target.host() + ": cannot read the listing of "
                        + target.location(folder), e);
                }
            }
            throw new StagingException("FTP upload of " + name + " to " + target.location(folder)
                + " failed after " + ATTEMPTS + " attempts: " + lastError);
        }

        /** A new connection, standing in the build's folder again (which must still be there). */
        private FTPClient reconnect() throws IOException {
            FTPClient fresh;
            try {
                fresh = connect(target);
            } catch (StagingException e) {
                throw new Trouble(e.getMessage());
            }
            try {
                enterPath(fresh, target, new ArrayList<>());
                if (!fresh.changeWorkingDirectory(folder)) {
                    throw new Trouble("cannot enter " + target.location(folder) + " again (" + reply(fresh) + ")");
                }
                return fresh;
            } catch (IOException e) {
                disconnect(fresh);
                throw e;
            }
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
                    throw new Trouble("the server did not take " + remote + " (" + reply(client) + ")");
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

        /**
         * Without {@code keep}, takes back what this attempt put there, best effort: on a new connection if the old
         * one broke (tried {@value #ATTEMPTS} times, as uploads are), and only while the folder is still this
         * attempt's: one that took it over owns what is in it now. Then only this attempt's own names, newest first,
         * the marker last: if this stops halfway, a retry still finds the folder its build's. Unmarked (this
         * attempt's marker never landed), only its temporary files go, and the folder if that empties it. A server
         * that stays away longer keeps the leftovers, which the build's retry clears.
         */
        @Override
        protected void release(boolean keep) {
            if (!keep) {
                for (int attempt = 1; client == null && attempt <= ATTEMPTS; attempt++) {
                    try {
                        client = reconnect();
                    } catch (IOException e) {
                        if (attempt < ATTEMPTS && !pauseQuietly(backoff.multipliedBy(1L << (attempt - 1)))) {
                            break;
                        }
                    }
                }
                try {
                    if (client != null) {
                        takeBack();
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the failure being reported matters more than the leftovers
                }
            }
            disconnect(client);
            client = null;
        }

        private void takeBack() throws IOException {
            String marker = readMarker(client, list(client, null));
            boolean ours = mark.isIn(marker);
            if (ours || marker == null) {
                for (int i = written.size() - 1; i >= 0; i--) {
                    if (ours || written.get(i).endsWith(".partial")) {
                        client.deleteFile(written.get(i));
                    }
                }
                if (client.changeToParentDirectory()) {
                    client.removeDirectory(folder);
                }
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

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void pause(Duration wait) throws StagingException {
        if (!pauseQuietly(wait)) {
            throw new StagingException("staging was interrupted");
        }
    }

    /** False when interrupted (the flag set again). */
    private static boolean pauseQuietly(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
