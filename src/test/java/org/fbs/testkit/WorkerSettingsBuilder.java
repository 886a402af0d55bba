package org.fbs.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fbs.config.AllowedHosts;
import org.fbs.config.Isolation;
import org.fbs.config.KojiSettings;
import org.fbs.config.WorkerSettings;

/**
 * {@link WorkerSettings} for tests: the production defaults, one worker on loopback building x86_64/41, and every
 * tool either given or missing (see {@link TestTools}), never the worker's default paths.
 */
public final class WorkerSettingsBuilder {

    private String id = "w-test";
    private int httpPort;
    private String publicUrl;
    private List<String> arches = List.of("x86_64");
    private List<String> releases = List.of("41");
    private int slots = 1;
    private final Path workDir;
    private List<Path> stagingRoots;
    private Map<String, String> tools = Map.of();
    private KojiSettings koji = KojiSettings.DEFAULTS;
    private Duration retention = WorkerSettings.DEFAULT_RETENTION;
    private Duration buildTimeout = WorkerSettings.DEFAULT_BUILD_TIMEOUT;
    private int keepFailedWorkdirs = WorkerSettings.DEFAULT_KEEP_FAILED_WORKDIRS;
    private int maxLogLine = WorkerSettings.DEFAULT_MAX_LOG_LINE;
    private boolean httpMetrics;
    private Duration heartbeatInterval = WorkerSettings.DEFAULT_HEARTBEAT_INTERVAL;
    /** No free-disk check unless a test asks for one: a test machine's disk must not change a result. */
    private long minFreeDisk;
    private Isolation isolation = Isolation.NONE;
    private AllowedHosts ftpAllowedHosts = AllowedHosts.NONE;

    private WorkerSettingsBuilder(Path workDir) {
        this.workDir = workDir;
        this.stagingRoots = List.of(workDir);
    }

    /** A worker that works in {@code workDir} and may stage under it. */
    public static WorkerSettingsBuilder worker(Path workDir) {
        return new WorkerSettingsBuilder(workDir);
    }

    public WorkerSettingsBuilder id(String value) {
        id = value;
        return this;
    }

    /** Its HTTP port on 127.0.0.1; it announces {@code http://127.0.0.1:PORT} unless {@link #publicUrl} says else. */
    public WorkerSettingsBuilder httpPort(int value) {
        httpPort = value;
        return this;
    }

    public WorkerSettingsBuilder publicUrl(String value) {
        publicUrl = value;
        return this;
    }

    public WorkerSettingsBuilder slots(int value) {
        slots = value;
        return this;
    }

    public WorkerSettingsBuilder stagingRoots(Path... roots) {
        stagingRoots = List.of(roots);
        return this;
    }

    /** These tools; every other known tool is missing. */
    public WorkerSettingsBuilder tools(Map<String, String> value) {
        tools = value;
        return this;
    }

    public WorkerSettingsBuilder koji(KojiSettings value) {
        koji = value;
        return this;
    }

    public WorkerSettingsBuilder buildTimeout(Duration value) {
        buildTimeout = value;
        return this;
    }

    public WorkerSettingsBuilder keepFailedWorkdirs(int value) {
        keepFailedWorkdirs = value;
        return this;
    }

    public WorkerSettingsBuilder httpMetrics(boolean value) {
        httpMetrics = value;
        return this;
    }

    public WorkerSettingsBuilder isolation(Isolation value) {
        isolation = value;
        return this;
    }

    public WorkerSettingsBuilder ftpAllowedHosts(AllowedHosts value) {
        ftpAllowedHosts = value;
        return this;
    }

    public WorkerSettingsBuilder heartbeatInterval(Duration value) {
        heartbeatInterval = value;
        return this;
    }

    public WorkerSettingsBuilder minFreeDisk(long bytes) {
        minFreeDisk = bytes;
        return this;
    }

    public WorkerSettings build() {
        return new WorkerSettings(id, "127.0.0.1", httpPort,
            publicUrl == null ? "http://127.0.0.1:" + httpPort : publicUrl, arches, releases, slots, workDir,
            stagingRoots, TestTools.only(tools), koji, retention, buildTimeout, keepFailedWorkdirs, maxLogLine,
            httpMetrics, heartbeatInterval, isolation, ftpAllowedHosts, minFreeDisk);
    }
}
