package org.fbs.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.fbs.config.AuthSettings;

/**
 * Reads what the OIDC provider says of a user ({@link Login}): who they are (the {@code iss} and {@code sub} claims),
 * their name (the first of {@code master.auth.oidc.username-claims} that is present), their address (the {@code email}
 * claim) and whether the {@code master.auth.oidc.groups-claim} claim holds {@code master.auth.admin-group} (an admin) or
 * {@code master.auth.trusted-group} (trusted: their kickstarts may run on a worker without isolation).
 */
final class CallerClaims {

    /**
     * One login as the provider describes it.
     *
     * @param issuer     the provider ({@code iss}, else the configured issuer)
     * @param subject    the provider's id of the user ({@code sub}): never reassigned, unlike a user name
     * @param name       the user name for display, and for the account of a first login
     * @param groupAdmin whether the groups claim holds the admin group
     */
    record Login(String issuer, String subject, String name, String email, boolean groupAdmin,
                 boolean groupTrusted) {
    }

    private final AuthSettings settings;
    private final Set<String> kept = new LinkedHashSet<>();

    CallerClaims(AuthSettings settings) {
        this.settings = settings;
        kept.addAll(List.of("iss", "sub", "email", settings.groupsClaim()));
        kept.addAll(settings.usernameClaims());
    }

    /**
     * The claims of a user from the provider: the ID token's over the access token's over the principal's (where
     * token introspection puts them), and {@code userInfo} (may be null) over all of them, but for {@code iss} and
     * {@code sub}, which come from the tokens only (userinfo is not signed; OIDC Core 5.3.2 only lets it repeat sub).
     */
    JsonObject of(User user, JsonObject userInfo) {
        JsonObject claims = new JsonObject();
        keep(user.principal(), claims);
        keep(user.attributes().getJsonObject("accessToken"), claims);
        keep(user.attributes().getJsonObject("idToken"), claims);
        if (userInfo != null) {
            Object sub = userInfo.getValue("sub");
            if (sub != null && claims.getValue("sub") != null && !sub.equals(claims.getValue("sub"))) {
                throw new IllegalArgumentException("the provider's userinfo is about another user (sub " + sub
                    + ", the token's is " + claims.getValue("sub") + ")");
            }
            JsonObject info = userInfo.copy();
            info.remove("iss");
            info.remove("sub");
            keep(info, claims);
        }
        return claims;
    }

    private void keep(JsonObject from, JsonObject into) {
        if (from != null) {
            for (String key : kept) {
                if (from.getValue(key) != null) {
                    into.put(key, from.getValue(key));
                }
            }
        }
    }

    /** The login the claims describe; fails naming what is missing when they name nobody. */
    Login login(JsonObject claims) {
        String subject = text(claims, "sub");
        if (subject == null) {
            throw new IllegalArgumentException("the provider named no subject (no sub claim)");
        }
        String name = settings.usernameClaims().stream().map(c -> text(claims, c)).filter(v -> v != null)
            .findFirst().orElse(null);
        if (name == null) {
            throw new IllegalArgumentException("the provider sent none of the claims that name a user "
                + settings.usernameClaims() + " (master.auth.oidc.username-claims)");
        }
        if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the provider's user name is longer than 200 characters or has "
                + "control characters");
        }
        String issuer = text(claims, "iss");
        if (issuer == null) {
            issuer = settings.issuer().toString();
        }
        return new Login(issuer, subject, name, text(claims, "email"), inGroup(claims, settings.adminGroup()),
            inGroup(claims, settings.trustedGroup()));
    }

    /** Whether the account is in master.auth.admins. */
    boolean listed(String account) {
        return settings.admins().contains(account);
    }

    private boolean inGroup(JsonObject claims, String group) {
        Object groups = claims.getValue(settings.groupsClaim());
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
        return v == null || v instanceof JsonObject || v instanceof JsonArray || v.toString().isBlank() ? null
            : v.toString();
    }
}
