package org.fbs.build;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** One file a build produced, and where it landed. */
public record Artifact(String name, long size, String sha256, String location) {

    public JsonObject toJson() {
        return new JsonObject().put("name", name).put("size", size).put("sha256", sha256).put("location", location);
    }

    public static Artifact fromJson(JsonObject json) {
        return new Artifact(json.getString("name"), json.getLong("size", 0L), json.getString("sha256"),
            json.getString("location"));
    }

    public static JsonArray toJson(List<Artifact> artifacts) {
        JsonArray array = new JsonArray();
        artifacts.forEach(a -> array.add(a.toJson()));
        return array;
    }

    public static List<Artifact> fromJson(JsonArray array) {
        return array == null ? List.of() : array.stream().map(o -> fromJson((JsonObject) o)).toList();
    }
}
