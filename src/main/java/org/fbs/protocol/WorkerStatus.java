package org.fbs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker's announcement on {@link Addresses#WORKERS}: what it builds, its slots, what it runs now.
 *
 * @param types the image kinds its tools can make ({@code boot}, {@code live}, {@code live-kiwi}, {@code dvd}), for
 *              every arch and release in {@code addresses}; null when it did not say (it then declines what it
 *              cannot build)
 * @param draining whether it was asked to drain: it finishes what it runs and takes nothing new
 * @param node     the worker's cluster node id (Vert.x's, the Hazelcast member attribute {@code __vertx.nodeId}),
 *                 so that the master can tell which workers a departed cluster member took with it; null when
 *                 not clustered or not said
 * @param kinds    every image kind with {@code available} or why the worker cannot build it (its tool is missing,
 *                 or cannot make it: e.g. a pungi that only gathers packages); null when not said
 * @param isolation how it keeps a build's kickstart off its host ({@code worker.isolation}: {@code none} or
 *                  {@code virt}); null from a worker that does not say, which the master takes as none
 * @param freeDiskBytes the least free space on its work dir's and staging roots' filesystems; -1 when not said
 * @param load      the host's load average over the last minute; negative when not said
 * @param declining why it takes no build now although it has a free slot (its disk is below
 *                  {@code worker.min-free-disk}); null when it takes builds
 */
public record WorkerStatus(String worker, String url, List<String> addresses, int slots, List<Long> running,
                           List<String> types, boolean draining, String node, Map<String, String> kinds,
                           String isolation, long freeDiskBytes, double load, String declining) {

    public WorkerStatus {
        addresses = List.copyOf(addresses);
        running = List.copyOf(running);
        types = types == null ? null : List.copyOf(types);
        kinds = kinds == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
    }

    /** Whether it may build {@code kind}: it said so, or it said nothing. */
    public boolean builds(String kind) {
        return types == null || types.contains(kind);
    }

    /** The builds it would take now: none while draining or declining. */
    public int free() {
        return draining || declining != null ? 0 : Math.max(0, slots - running.size());
    }

    public JsonObject toJson() {
        return new JsonObject()
            .put("worker", worker)
            .put("url", url)
            .put("addresses", new JsonArray(addresses))
            .put("slots", slots)
            .put("free", free())
            .put("running", new JsonArray(running))
            .put("types", types == null ? null : new JsonArray(types))
            .put("draining", draining)
            .put("node", node)
            .put("kinds", kinds == null ? null : new JsonObject(new LinkedHashMap<>(kinds)))
            .put("isolation", isolation == null ? "none" : isolation)
            .put("freeDiskBytes", freeDiskBytes < 0 ? null : freeDiskBytes)
            .put("load", load < 0 ? null : load)
            .put("declining", declining);
    }

    public static WorkerStatus fromJson(JsonObject json) {
        List<String> addresses = json.getJsonArray("addresses", new JsonArray()).stream()
            .map(String::valueOf).toList();
        List<Long> running = json.getJsonArray("running", new JsonArray()).stream()
            .map(o -> ((Number) o).longValue()).toList();
        JsonArray types = json.getJsonArray("types");
        JsonObject kinds = json.getJsonObject("kinds");
        Map<String, String> byKind = null;
        if (kinds != null) {
            byKind = new LinkedHashMap<>();
            for (String kind : kinds.fieldNames()) {
                byKind.put(kind, String.valueOf(kinds.getValue(kind)));
            }
        }
        return new WorkerStatus(json.getString("worker"), json.getString("url"), addresses,
            json.getInteger("slots", 0), running, types == null ? null : types.stream().map(String::valueOf).toList(),
            json.getBoolean("draining", false), json.getString("node"), byKind, json.getString("isolation"),
            json.getValue("freeDiskBytes") instanceof Number n ? n.longValue() : -1,
            json.getValue("load") instanceof Number l ? l.doubleValue() : -1, json.getString("declining"));
    }
}
