package org.fbs.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A personal API token as the store keeps it: everything but the token itself, of which only a SHA-256 hash is
 * stored (see org.fbs.auth.ApiTokens).
 *
 * @param owner      the user name it acts as
 * @param email      the owner's address when the token was made (for the mails of builds submitted with it)
 * @param groupAdmin whether the owner was in the admin group when the token was made (groups are only known at
 *                   login, so a token remembers it; revoke the tokens of someone who leaves the group)
 * @param lastUsed   null until first used
 */
public record ApiToken(long id, String name, String owner, String email, boolean groupAdmin, Instant created,
                       Instant lastUsed) {

    /** What the owner may see of it: never the token nor its hash. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id).put("name", name).put("created", created.toString());
        json.put("lastUsed", lastUsed == null ? null : lastUsed.toString());
        return json;
    }
}
