package org.fbs.auth;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fbs.store.AsyncBuildStore;

/**
 * Turns a {@link CallerClaims.Login} into a {@link Caller}: the account is kept per issuer and subject in the store
 * ({@link AsyncBuildStore#account}), so a user whose name changes keeps their builds and tokens, and another user who
 * later gets the same name (or a provider that lets users pick their {@code preferred_username}) does not get them.
 * Accounts never change once given: a cache spares the store a read per bearer request.
 */
final class Identities {

    /** Users a master sees in a run are far fewer; the cap only keeps the map from growing without bound. */
    private static final int CACHED = 10_000;

    private final AsyncBuildStore store;
    private final CallerClaims claims;
    private final Map<String, String> accounts = new ConcurrentHashMap<>();

    Identities(AsyncBuildStore store, CallerClaims claims) {
        this.store = store;
        this.claims = claims;
    }

    Future<Caller> caller(CallerClaims.Login login) {
        // The name is part of the key so that a changed name reaches the store.
        String key = login.issuer() + '\n' + login.subject() + '\n' + login.name();
        String known = accounts.get(key);
        Future<String> account = known != null ? Future.succeededFuture(known)
            : store.account(login.issuer(), login.subject(), login.name()).onSuccess(a -> {
                if (accounts.size() >= CACHED) {
                    accounts.clear();
                }
                accounts.put(key, a);
            });
        return account.map(a -> {
            boolean admin = login.groupAdmin() || claims.listed(a);
            return new Caller(a, login.email(), admin, admin || login.groupTrusted(), login.name());
        });
    }
}
