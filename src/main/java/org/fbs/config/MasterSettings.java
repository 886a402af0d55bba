package org.fbs.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The master's settings ({@code master.*}).
 *
 * @param auth   login: OpenID Connect, admins
 * @param limits what the master accepts from users: kickstart size and hosts, builds queued per user
 * @param workerTimeout a worker not heard from for this long is lost, and its builds go back to the queue
 * @param maxRetries    how many times a build is queued again after losing its worker before it fails
 */
public record MasterSettings(String httpHost, int httpPort, Path dataDir, String publicUrl, SmtpSettings smtp,
                             AuthSettings auth, MasterLimits limits, Duration workerTimeout, int maxRetries) {

    public static final Duration DEFAULT_WORKER_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_RETRIES = 2;

    static MasterSettings from(JsonObject json) {
        ConfigValues v = new ConfigValues(json, "master");
        ConfigValues http = new ConfigValues(v.section("http"), "master.http");
        String host = http.string("host", "127.0.0.1");
        int port = http.integer("port", 5000, 0, 65535);
        String publicUrl = trimSlash(v.string("public-url", defaultUrl(host, port)));
        return new MasterSettings(host, port,
            Path.of(v.string("data-dir", "fbs-data/master")).toAbsolutePath().normalize(),
            publicUrl,
            SmtpSettings.from(v.section("smtp")),
            AuthSettings.from(v.section("auth"), publicUrl),
            MasterLimits.from(v),
            v.duration("worker-timeout", DEFAULT_WORKER_TIMEOUT),
            v.integer("max-retries", DEFAULT_MAX_RETRIES, 0, 100));
    }

    /** http://HOST:PORT, with this machine's name in place of a wildcard address, which nobody can reach. */
    static String defaultUrl(String host, int port) {
        String reachable = host;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            try {
                reachable = InetAddress.getLocalHost().getCanonicalHostName();
            } catch (IOException e) {
                reachable = "localhost";
            }
        }
        return "http://" + reachable + ":" + port;
    }

    static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
