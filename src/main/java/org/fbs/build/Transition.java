package org.fbs.build;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One entry of a build's history: the state (and stage) it entered, when, and why. */
public record Transition(BuildState state, String stage, Instant at, String note) {

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("state", state.name()).put("at", at.toString());
        if (stage != null) {
            json.put("stage", stage);
        }
        if (note != null) {
            json.put("note", note);
        }
        return json;
    }

    public static Transition fromJson(JsonObject json) {
        return new Transition(BuildState.valueOf(json.getString("state")), json.getString("stage"),
            Instant.parse(json.getString("at")), json.getString("note"));
    }
}
