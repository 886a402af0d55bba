package org.fbs.ops;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/** What this jar is (version, commit, build time, from fbs-build.properties filled in by Maven) and how long it runs. */
public record BuildInfo(String version, String commit, String built) {

    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    /** The line {@code fbs --version} prints. */
    public String line() {
        return "fbs " + version + " (commit " + commit + ", built " + built + ", Java "
            + System.getProperty("java.version") + ")";
    }

    /** The body of {@code /api/v1/info}: the build, the runtime, and this node's role. */
    public JsonObject toJson(String role, String node) {
        Instant started = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        return new JsonObject()
            .put("name", "fbs")
            .put("version", version)
            .put("commit", commit)
            .put("built", built)
            .put("java", System.getProperty("java.version"))
            .put("role", role)
            .put("node", node)
            .put("started", started.toString())
            .put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
    }

    private static BuildInfo load() {
        Properties props = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/fbs-build.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(known(props, "version"), known(props, "commit"), known(props, "built"));
    }

    /** A value Maven filled in; an unfilled {@code ${...}} (a build from an IDE) reads as "unknown". */
    private static String known(Properties props, String key) {
        String value = props.getProperty(key, "");
        return value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }
}
