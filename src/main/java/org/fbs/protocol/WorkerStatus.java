package org.fbs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A worker's announcement on {@link Addresses#WORKERS}: what it builds, its slots, what it runs now. */
public record WorkerStatus(String worker, String url, List<String> addresses, int slots, List<Long> running) {

    public WorkerStatus {
        addresses = List.copyOf(addresses);
        running = List.copyOf(running);
    }

    public int free() {
        return Math.max(0, slots - running.size());
    }

    public JsonObject toJson() {
        return new JsonObject()
            .put("worker", worker)
            .put("url", url)
            .put("addresses", new JsonArray(addresses))
            .put("slots", slots)
            .put("free", free())
            .put("running", new JsonArray(running));
    }

    public static WorkerStatus fromJson(JsonObject json) {
        List<String> addresses = json.getJsonArray("addresses", new JsonArray()).stream()
            .map(String::valueOf).toList();
        List<Long> running = json.getJsonArray("running", new JsonArray()).stream()
            .map(o -> ((Number) o).longValue()).toList();
        return new WorkerStatus(json.getString("worker"), json.getString("url"), addresses,
            json.getInteger("slots", 0), running);
    }
}
