package org.fbs.staging;

import static org.fbs.testkit.Ports.freePort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.TimeUnit;

/**
 * Debian's vsftpd (the real daemon, {@code /usr/sbin/vsftpd}, or {@code -Dfbs.test.vsftpd=PATH}) started by a test on
 * a free loopback port with a generated config: anonymous users (vsftpd runs them as its {@code ftp} user, chrooted to
 * {@code root}) may upload, make folders, rename and delete in {@code root/pub}, owned by {@code ftp}; {@code root/ro}
 * is root's, so they cannot write there. vsftpd runs anonymous sessions as another user and chroots, so it needs
 * root, as CI runs; as root it refuses a chroot the session user can write to, which is why only {@code pub} is
 * writable.
 */
final class Vsftpd implements AutoCloseable {

    static final Path PROGRAM = Path.of(System.getProperty("fbs.test.vsftpd", "/usr/sbin/vsftpd"));

    final Path root;
    final int port;
    private final Path config;
    private final Path log;
    private Process process;

    Vsftpd(Path dir, long maxRate) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROGRAM)) {
            throw new IllegalStateException(PROGRAM + " is missing: apt-get install vsftpd (see .ci/run)");
        }
        root = Files.createDirectories(dir.resolve("root"));
        Path pub = Files.createDirectories(root.resolve("pub"));
        Files.createDirectories(root.resolve("ro"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        UserPrincipal ftp = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("ftp");
        Files.setOwner(pub, ftp);
        for (Path p : new Path[] {dir, root, pub, root.resolve("ro"), empty}) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        port = freePort();
        int pasv = freePort();
        log = dir.resolve("vsftpd.log");
        config = dir.resolve("vsftpd.conf");
        Files.writeString(config, String.join("\n",
            "listen=YES", "listen_ipv6=NO", "background=NO", "listen_address=127.0.0.1", "listen_port=" + port,
            "anonymous_enable=YES", "local_enable=NO", "write_enable=YES", "anon_upload_enable=YES",
            "anon_mkdir_write_enable=YES", "anon_other_write_enable=YES", "anon_world_readable_only=NO",
            "anon_umask=022", "anon_root=" + root, "anon_max_rate=" + maxRate,
            "pasv_enable=YES", "pasv_min_port=" + pasv, "pasv_max_port=" + Math.min(65535, pasv + 20),
            "connect_from_port_20=NO", "secure_chroot_dir=" + empty,
            // Containers often forbid the namespaces and seccomp filters vsftpd would set up for its sessions.
            "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO",
            "xferlog_enable=YES", "log_ftp_protocol=YES", "vsftpd_log_file=" + log, "") + "\n", StandardCharsets.UTF_8);
        start();
    }

    /** Starts the daemon and waits until it takes connections. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(PROGRAM.toString(), config.toString())
            .redirectErrorStream(true)
            .redirectOutput(config.resolveSibling("vsftpd.out").toFile())
            .start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("vsftpd stopped at once: "
                    + Files.readString(config.resolveSibling("vsftpd.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("vsftpd did not listen on " + port);
    }

    /** Kills the daemon and every session it runs: the server is gone, as in an outage. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    String url(String path) {
        return "ftp://127.0.0.1:" + port + path;
    }

    /** vsftpd's own transfer log: what it really received. */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
