package org.fbs.notify;

import static org.fbs.testkit.Ports.freePort;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Exim (Debian's exim4-daemon-light, 4.96) started on a loopback port with its own configuration, spool and
 * maildir in a temporary folder; it runs as root and as any other user (with {@code -C}, a non-root Exim drops its
 * privileges and does everything as the caller). Every mail it accepts is delivered to one maildir, one file per
 * recipient with an {@code Envelope-to} header. It refuses some recipients, as a real server refuses unknown users:
 * local parts starting {@code refused-} get 550, those starting {@code busy-} get 451; and a whole mail whose
 * subject says {@code Spammy} gets 550 after its DATA.
 */
final class EximServer implements AutoCloseable {

    private static final List<String> BINARIES = List.of("exim4", "exim");

    final int port;
    private final Path dir;
    private final Process process;

    private EximServer(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    static EximServer start(Path dir) throws IOException, InterruptedException {
        String exim = binary();
        Files.createDirectories(dir.resolve("spool"));
        Files.createDirectories(dir.resolve("log"));
        Path maildir = Files.createDirectories(dir.resolve("maildir"));
        // Exim delivers as root only to no one (never_users); as root it delivers as nobody, who must get in.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(maildir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path conf = dir.resolve("exim.conf");
        Files.writeString(conf, "");
        int uid = (Integer) Files.getAttribute(conf, "unix:uid");
        int gid = (Integer) Files.getAttribute(conf, "unix:gid");
        int deliverUid = uid == 0 ? 65534 : uid;
        int deliverGid = uid == 0 ? 65534 : gid;
        Files.writeString(conf, """
            keep_environment =
            tls_advertise_hosts =
            primary_hostname = smtp.fbs-test
            spool_directory = %1$s/spool
            log_file_path = %1$s/log/%%slog
            local_interfaces = <; 127.0.0.1
            exim_user = %2$d
            exim_group = %3$d
            acl_smtp_rcpt = rcpt
            acl_smtp_data = data

            begin acl
            rcpt:
              deny local_parts = ^refused-
                   message = no such user here
              defer local_parts = ^busy-
                   message = mailbox busy, try again later
              accept

            data:
              deny condition = ${if match{$h_Subject:}{Spammy}}
                   message = message refused as spam
              accept

            begin routers
            everyone:
              driver = accept
              transport = to_maildir

            begin transports
            to_maildir:
              driver = appendfile
              directory = %1$s/maildir
              maildir_format
              envelope_to_add
              create_directory
              user = %4$d
              group = %5$d
              mode = 0644
            """.formatted(dir, uid, gid, deliverUid, deliverGid));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        int port = freePort();
        // -bdf: the daemon in the foreground (destroy() stops it); -odi: deliver at once, not from a queue run.
        Process process = new ProcessBuilder(exim, "-bdf", "-odi", "-oX", String.valueOf(port), "-C", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("exim.out").toFile())
            .start();
        EximServer server = new EximServer(port, dir, process);
        server.awaitListening();
        return server;
    }

    private static String binary() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin")); // where Debian puts it, outside a non-root user's PATH
        for (String dir : dirs) {
            for (String name : BINARIES) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new IllegalStateException("no exim found: apt-get install exim4-daemon-light");
    }

    private void awaitListening() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("exim ended with status " + process.exitValue() + ": " + output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("exim did not listen on port " + port + ": " + output());
    }

    /** What Exim wrote on its standard output and error, and its main log: for a failed test's message. */
    String output() throws IOException {
        Path mainlog = dir.resolve("log/mainlog");
        return Files.readString(dir.resolve("exim.out"), StandardCharsets.UTF_8)
            + (Files.exists(mainlog) ? Files.readString(mainlog, StandardCharsets.UTF_8) : "");
    }

    /** Every delivered copy, oldest first. */
    List<MimeMessage> delivered() throws Exception {
        Path fresh = dir.resolve("maildir/new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(fresh)) {
            files = list.sorted().toList();
        }
        Session session = Session.getInstance(new Properties());
        List<MimeMessage> out = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                out.add(new MimeMessage(session, in));
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
