package org.fbs.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.ClusterSettings;

/**
 * The links to a build's files on its worker, signed as the master hands them out: the API's, the pages' and the
 * mails' {@code logUrl} and the {@code location} of files kept on the worker work for {@link #lifetime()}, and only
 * for that build and that file. The master's own reads of a worker's log get a link of a minute.
 *
 * <p>Only links under the worker's announced URL are signed (the base of the build's {@code logUrl}, which the
 * dispatcher took from the worker's announcement): an artifact location that points anywhere else gets no signature.
 */
public final class WorkerLinks {

    /** How long the master's own read of a log may take to start: the worker checks the link once, at the request. */
    static final Duration RELAY_LIFETIME = Duration.ofMinutes(1);
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._+-]{1,255}");

    private final LinkSigner signer;
    private final Duration lifetime;

    public WorkerLinks(LinkSigner signer, Duration lifetime) {
        this.signer = signer;
        this.lifetime = lifetime;
    }

    /** Links signed with this process's secret (a worker in the same process checks them), for the default time. */
    public static WorkerLinks perProcess() {
        return new WorkerLinks(LinkSigner.perProcess(), ClusterSettings.DEFAULT_LINK_LIFETIME);
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A copy of the build (as JSON) whose {@code logUrl} and worker-kept artifact locations are signed. */
    public JsonObject signed(JsonObject build) {
        JsonObject out = build.copy();
        long id = out.getLong("id", 0L);
        String logUrl = out.getString("logUrl");
        String base = base(logUrl, id);
        if (base == null) {
            return out;
        }
        Instant expires = expiry(out);
        out.put("logUrl", base + "/log/" + id + "?" + signer.linkQuery(id, "/log/" + id, expires));
        JsonArray artifacts = out.getJsonArray("artifacts");
        if (artifacts != null) {
            String prefix = base + "/artifacts/" + id + "/";
            for (Object o : artifacts) {
                if (o instanceof JsonObject artifact) {
                    String location = artifact.getString("location");
                    if (location != null && location.startsWith(prefix)
                        && FILE.matcher(location.substring(prefix.length())).matches()) {
                        String path = location.substring(base.length());
                        artifact.put("location", base + path + "?" + signer.linkQuery(id, path, expires));
                    }
                }
            }
        }
        return out;
    }

    /**
     * When the links handed out for a build expire: {@link #lifetime()} after the build ended (so its files, kept on
     * the worker as long, can be fetched while they exist, and every read of an ended build gives the same links), or
     * after now, rounded up to the hour, while it runs.
     */
    private Instant expiry(JsonObject build) {
        JsonArray history = build.getJsonArray("history");
        if (BuildState.valueOf(build.getString("state", BuildState.QUEUED.name())).isFinal() && history != null
            && !history.isEmpty() && history.getJsonObject(history.size() - 1).getString("at") != null) {
            return Instant.parse(history.getJsonObject(history.size() - 1).getString("at")).plus(lifetime)
                .truncatedTo(ChronoUnit.SECONDS);
        }
        return signer.clock().instant().plus(lifetime).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    }

    /** The build with its worker links signed (pages, mails). */
    public Build signed(Build build) {
        return Build.fromJson(signed(build.toJson()));
    }

    /** Where the master itself reads the build's log, signed for a minute; null when it has no worker log link. */
    public String forRelay(Build build) {
        String base = base(build.logUrl(), build.id());
        return base == null ? null : sign(base, "/log/" + build.id(), build.id(), RELAY_LIFETIME);
    }

    private String sign(String base, String path, long id, Duration life) {
        return base + path + "?" + signer.linkQuery(id, path, signer.clock().instant().plus(life));
    }

    /** The worker's URL, from a log link of the form {@code BASE/log/ID}; null for anything else. */
    private static String base(String logUrl, long id) {
        String tail = "/log/" + id;
        if (id < 1 || logUrl == null || !logUrl.endsWith(tail) || logUrl.contains("?")) {
            return null;
        }
        return logUrl.substring(0, logUrl.length() - tail.length());
    }
}
