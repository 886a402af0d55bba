package org.fbs.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fbs.build.ImageKinds;

/**
 * The worker's settings ({@code worker.*}).
 *
 * @param id            the name the worker goes by in builds and the cluster view (default: host name)
 * @param arches        the architectures it builds (default: the host's)
 * @param releases      the releases it builds (default: the host's, from /etc/os-release)
 * @param slots         how many builds it runs at once
 * @param workDir       where it keeps per-build work dirs and logs
 * @param stagingRoots  the only folders that file:// staging may write under
 * @param tools         tool name to program path (e.g. lorax -> /usr/sbin/lorax)
 * @param koji          where extra packages come from ({@code worker.koji.*})
 * @param retention     how long files kept on the worker ({@code worker} staging) stay before they are removed
 * @param buildTimeout  how long a build may run before it is stopped and fails
 * @param keepFailedWorkdirs how many work dirs of failed builds are kept for debugging (the newest)
 * @param maxLogLine    the longest build log line kept, in bytes; longer ones are cut with a marker
 * @param httpMetrics   whether the worker's HTTP port also serves /metrics (off: it serves /log, /artifacts and
 *                      the health checks only)
 * @param heartbeatInterval how often it announces itself to the master, which takes a worker silent for
 *                          {@code master.worker-timeout} as lost
 * @param isolation     how a build's kickstart is kept off this host ({@code worker.isolation})
 * @param ftpAllowedHosts FTP staging hosts that may be internal addresses all the same ({@code worker.ftp.allowed-hosts})
 * @param minFreeDisk   bytes that must stay free on the work dir's and each staging root's filesystem; below it the
 *                      worker declines offers ({@code worker.min-free-disk}; 0: no check)
 */
public record WorkerSettings(String id, String httpHost, int httpPort, String publicUrl, List<String> arches,
                             List<String> releases, int slots, Path workDir, List<Path> stagingRoots,
                             Map<String, String> tools, KojiSettings koji, Duration retention,
                             Duration buildTimeout, int keepFailedWorkdirs, int maxLogLine, boolean httpMetrics,
                             Duration heartbeatInterval, Isolation isolation, AllowedHosts ftpAllowedHosts,
                             long minFreeDisk) {

    /**
     * Each image kind's tool (see {@link ImageKinds}), ksflatten, and hfsplus-tools' mkfs, whose absence makes lorax
     * need --nomacboot.
     */
    static final Map<String, String> DEFAULT_TOOLS = defaultTools();
    /** Every {@code worker.tools} entry the worker looks up: tests give each one a path of their own. */
    public static final java.util.Set<String> KNOWN_TOOLS = DEFAULT_TOOLS.keySet();
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofHours(6);
    public static final int DEFAULT_KEEP_FAILED_WORKDIRS = 3;
    public static final int DEFAULT_MAX_LOG_LINE = 8 * 1024;
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
    /** What a lorax or livemedia-creator run needs at least (an install tree, a squashfs, the ISO), with room. */
    public static final long DEFAULT_MIN_FREE_DISK = 20L << 30;

    public WorkerSettings {
        arches = List.copyOf(arches);
        releases = List.copyOf(releases);
        stagingRoots = List.copyOf(stagingRoots);
        tools = Map.copyOf(tools);
        isolation = isolation == null ? Isolation.NONE : isolation;
        ftpAllowedHosts = ftpAllowedHosts == null ? AllowedHosts.NONE : ftpAllowedHosts;
        if (minFreeDisk < 0) {
            throw new IllegalArgumentException("worker.min-free-disk must not be negative");
        }
    }

    /** Where build logs live, one {@code <id>.log} per build: written by the builds, served by the log server. */
    public Path logsDir() {
        return workDir.resolve("logs");
    }

    /** Where results staged on the worker itself are kept, one folder per build, served at /artifacts. */
    public Path artifactsDir() {
        return workDir.resolve("artifacts");
    }

    /** Events not yet acknowledged by the master, and the attempts this worker runs: what survives a restart. */
    public Path outboxDir() {
        return workDir.resolve("outbox");
    }

    /** The program to run for {@code tool}. */
    public String tool(String tool) {
        return tools.getOrDefault(tool, tool);
    }

    static WorkerSettings from(JsonObject json) {
        ConfigValues v = new ConfigValues(json, "worker");
        ConfigValues http = new ConfigValues(v.section("http"), "worker.http");
        String host = http.string("host", "127.0.0.1");
        int port = http.integer("port", 5100, 0, 65535);
        Map<String, String> tools = new HashMap<>(DEFAULT_TOOLS);
        // A relative path would be looked up from the build's work dir, where tools run: make it absolute here.
        v.section("tools").forEach(e -> {
            if (e.getValue() == null || String.valueOf(e.getValue()).isBlank()) {
                throw v.error("tools." + e.getKey(), "expected a program path");
            }
            String program = String.valueOf(e.getValue());
            tools.put(e.getKey(), program.contains("/") ? Path.of(program).toAbsolutePath().toString() : program);
        });
        List<Path> roots = v.list("staging-roots", List.of("/srv/fbs")).stream()
            .map(p -> Path.of(p).toAbsolutePath().normalize())
            .toList();
        String publicUrl = v.string("public-url", null);
        if (publicUrl == null && isWildcard(host)) {
            throw http.error("host", host + " listens on every address but names none that others can reach, so the "
                + "worker would announce a guess (such as http://localhost:" + port + ") for the master to read its "
                + "logs at and the mails to link to: set worker.public-url to the URL the master and users reach it "
                + "at, e.g. http://builder-01.example.org:" + port);
        }
        return new WorkerSettings(
            v.string("id", hostName()),
            host, port,
            MasterSettings.trimSlash(publicUrl != null ? publicUrl : MasterSettings.defaultUrl(host, port)),
            v.list("arches", List.of(HostFacts.arch())),
            v.list("releases", List.of(HostFacts.release())),
            v.integer("slots", 1, 1, 1024),
            Path.of(v.string("work-dir", "fbs-data/worker")).toAbsolutePath().normalize(),
            roots,
            tools,
            KojiSettings.from(new ConfigValues(v.section("koji"), "worker.koji")),
            v.duration("retention", DEFAULT_RETENTION),
            v.duration("build-timeout", DEFAULT_BUILD_TIMEOUT),
            v.integer("keep-failed-workdirs", DEFAULT_KEEP_FAILED_WORKDIRS, 0, 1000),
            maxLogLine(v),
            Boolean.parseBoolean(http.string("metrics", "false").trim()),
            v.duration("heartbeat-interval", DEFAULT_HEARTBEAT_INTERVAL),
            Isolation.from(v),
            AllowedHosts.parse("worker.ftp.allowed-hosts", new ConfigValues(v.section("ftp"), "worker.ftp")
                .list("allowed-hosts", List.of())),
            v.bytes("min-free-disk", DEFAULT_MIN_FREE_DISK));
    }

    /** An address that means every interface: 0.0.0.0, :: (also written [::] or 0:0:0:0:0:0:0:0) or blank. */
    static boolean isWildcard(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isEmpty() || h.equals("*")) {
            return true;
        }
        if (!h.matches("[0-9.:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isAnyLocalAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, String> defaultTools() {
        Map<String, String> tools = new HashMap<>(ImageKinds.defaultPrograms());
        tools.put("ksflatten", "/usr/bin/ksflatten");
        tools.put("mkfs-hfsplus", "/usr/sbin/mkfs.hfsplus");
        return Map.copyOf(tools);
    }

    private static int maxLogLine(ConfigValues v) {
        long n = v.bytes("max-log-line", DEFAULT_MAX_LOG_LINE);
        if (n < 256 || n > 64 * 1024 * 1024) {
            throw v.error("max-log-line", "must be between 256 bytes and 64MiB");
        }
        return (int) n;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "worker";
        }
    }

    /** What the host itself is: the defaults for arches and releases. */
    static final class HostFacts {

        static String arch() {
            String arch = System.getProperty("os.arch", "x86_64").toLowerCase(Locale.ROOT);
            return switch (arch) {
                case "amd64" -> "x86_64";
                case "arm64" -> "aarch64";
                case "x86", "i386" -> "i686";
                default -> arch;
            };
        }

        /** The release from /etc/os-release: rawhide where any field says so, else VERSION_ID. */
        static String release() {
            return release(Path.of("/etc/os-release"));
        }

        static String release(Path osRelease) {
            try {
                String versionId = "rawhide";
                for (String line : Files.readAllLines(osRelease)) {
                    int eq = line.indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    String value = line.substring(eq + 1).replace("\"", "").replace("'", "").trim();
                    if (value.equalsIgnoreCase("rawhide")) {
                        return "rawhide";
                    }
                    if (line.startsWith("VERSION_ID=") && !value.isEmpty()) {
                        versionId = value;
                    }
                }
                return versionId;
            } catch (IOException e) {
                return "rawhide";
            }
        }
    }
}
