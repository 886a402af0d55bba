package org.fbs.web;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import org.fbs.auth.Caller;

/**
 * Personal API tokens as the account page needs them. The login part of the master keeps them (hashed); the page
 * only lists, creates and revokes a caller's own.
 */
public interface TokenBook {

    /**
     * One token, without its secret.
     *
     * @param lastUsed null when it was never used
     */
    record Token(String id, String name, Instant created, Instant lastUsed) {
    }

    /** A token just made, with its secret: shown once, never stored in the clear. */
    record Created(Token token, String secret) {
    }

    Future<List<Token>> list(Caller owner);

    Future<Created> create(Caller owner, String name);

    /** Completes with false when the owner has no token with this id. */
    Future<Boolean> revoke(Caller owner, String id);
}
