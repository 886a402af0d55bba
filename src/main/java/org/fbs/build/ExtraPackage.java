package org.fbs.build;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A package from Koji that went into a build's side repository. */
public record ExtraPackage(String nvra, long size) {

    public JsonObject toJson() {
        return new JsonObject().put("nvra", nvra).put("size", size);
    }

    public static ExtraPackage fromJson(JsonObject json) {
        return new ExtraPackage(json.getString("nvra"), json.getLong("size", 0L));
    }

    public static JsonArray toJson(List<ExtraPackage> packages) {
        JsonArray array = new JsonArray();
        packages.forEach(p -> array.add(p.toJson()));
        return array;
    }

    /** An absent array (a record written before side repositories existed) reads as none. */
    public static List<ExtraPackage> fromJson(JsonArray array) {
        return array == null ? List.of() : array.stream().map(o -> fromJson((JsonObject) o)).toList();
    }
}
