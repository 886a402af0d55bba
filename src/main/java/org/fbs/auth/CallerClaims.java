package org.fbs.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.List;
import org.fbs.config.AuthSettings;

/**
 * Turns what the OIDC provider says of a user into a {@link Caller}: the name is {@code preferred_username} (else
 * the introspected {@code username}, else {@code sub}), the address the {@code email} claim, and the caller is an
 * admin when the {@code groups} claim holds {@code master.auth.admin-group} or the name is in
 * {@code master.auth.admins}. Admins, and members of {@code master.auth.trusted-group}, are trusted: their
 * kickstarts may run on a worker without isolation.
 */
final class CallerClaims {

    private static final List<String> KEPT = List.of("preferred_username", "username", "sub", "email", "groups");

    private final AuthSettings settings;

    CallerClaims(AuthSettings settings) {
        this.settings = settings;
    }

    /**
     * The claims of a user from the provider: the ID token's over the access token's over the principal's (where
     * token introspection puts them), and {@code userInfo} (may be null) over all of them.
     */
    static JsonObject of(User user, JsonObject userInfo) {
        JsonObject claims = new JsonObject();
        keep(user.principal(), claims);
        keep(user.attributes().getJsonObject("accessToken"), claims);
        keep(user.attributes().getJsonObject("idToken"), claims);
        keep(userInfo, claims);
        return claims;
    }

    private static void keep(JsonObject from, JsonObject into) {
        if (from != null) {
            for (String key : KEPT) {
                if (from.getValue(key) != null) {
                    into.put(key, from.getValue(key));
                }
            }
        }
    }

    /** The caller the claims describe; fails when they name nobody. */
    Caller caller(JsonObject claims) {
        String name = text(claims, "preferred_username");
        if (name == null) {
            name = text(claims, "username");
        }
        if (name == null) {
            name = text(claims, "sub");
        }
        if (name == null) {
            throw new IllegalArgumentException("the provider named no user (no preferred_username, username or sub)");
        }
        boolean admin = inGroup(claims, settings.adminGroup()) || listed(name);
        return new Caller(name, text(claims, "email"), admin, admin || inGroup(claims, settings.trustedGroup()));
    }

    /** Whether the name is in master.auth.admins. */
    boolean listed(String name) {
        return settings.admins().contains(name);
    }

    private static boolean inGroup(JsonObject claims, String group) {
        Object groups = claims.getValue("groups");
        if (group == null || groups == null) {
            return false;
        }
        if (groups instanceof JsonArray array) {
            return array.contains(group);
        }
        // Some providers send one space-separated string.
        return List.of(groups.toString().split("\\s+")).contains(group);
    }

    private static String text(JsonObject claims, String key) {
        Object v = claims.getValue(key);
        return v == null || v.toString().isBlank() ? null : v.toString();
    }
}
