package org.fbs.auth;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.fbs.store.ApiToken;
import org.fbs.store.AsyncBuildStore;

/**
 * Personal API tokens: {@code fbs_} and 32 random bytes (base64url), shown to their owner once. The store keeps only
 * the token's SHA-256, its name, its owner and when it was made and last used; a leaked database gives no token.
 *
 * <p>A token acts as its owner. It is an admin's when the owner is in {@code master.auth.admins} (checked at every
 * use), or when the owner was in the admin group as they made it: groups are known only at login, so the token
 * remembers that (revoke the tokens of someone who leaves the group).
 */
public final class ApiTokens {

    public static final String PREFIX = "fbs_";
    /** More tokens than anybody needs; the cap keeps one user from filling the store. */
    static final int MAX_PER_USER = 100;
    static final int MAX_NAME = 100;
    /** How stale "last used" may get, to spare a disk write per request. */
    static final Duration LAST_USED_EVERY = Duration.ofMinutes(1);
    private static final Pattern SHAPE = Pattern.compile("fbs_[A-Za-z0-9_-]{43}");

    private final AsyncBuildStore store;
    private final CallerClaims roles;
    private final SecureRandom random = new SecureRandom();

    ApiTokens(AsyncBuildStore store, CallerClaims roles) {
        this.store = store;
        this.roles = roles;
    }

    /** A new token and its one showing. */
    public record Created(ApiToken token, String secret) {
    }

    /** Makes a token for the caller; fails with IllegalArgumentException naming the field for a bad name. */
    public Future<Created> create(Caller caller, String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME || trimmed.chars().anyMatch(Character::isISOControl)) {
            return Future.failedFuture(new IllegalArgumentException(
                "name: give the token a name of 1 to " + MAX_NAME + " characters (no control characters)"));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        boolean groupAdmin = caller.admin() && !caller.equals(Caller.LOCAL) && !roles.listed(caller.name());
        ApiToken token = new ApiToken(0, trimmed, caller.name(), caller.email(), groupAdmin, Instant.now(), null);
        return store.tokens(caller.name()).compose(existing -> {
            if (existing.size() >= MAX_PER_USER) {
                return Future.failedFuture(new IllegalStateException("you have " + existing.size()
                    + " tokens, the most one user may have; revoke one first"));
            }
            return store.insertToken(token, hash(secret)).map(stored -> new Created(stored, secret));
        });
    }

    public Future<List<ApiToken>> of(Caller caller) {
        return store.tokens(caller.name());
    }

    /** Revokes the caller's token; false when they have no token with this id. */
    public Future<Boolean> revoke(Caller caller, long id) {
        return store.deleteToken(id, caller.name());
    }

    /** Whether a bearer token is one of ours rather than the OIDC provider's. */
    static boolean isOurs(String bearer) {
        return bearer.startsWith(PREFIX);
    }

    /** The caller a token stands for; empty when it is no (longer a) token of ours. */
    Future<Optional<Caller>> caller(String secret) {
        if (!SHAPE.matcher(secret).matches()) {
            return Future.succeededFuture(Optional.empty());
        }
        return store.useToken(hash(secret), Instant.now(), LAST_USED_EVERY).map(found -> found.map(t ->
            new Caller(t.owner(), t.email(), t.groupAdmin() || roles.listed(t.owner()))));
    }

    static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
