package org.fbs.web;

import io.vertx.core.Future;
import java.util.List;
import org.fbs.auth.ApiTokens;
import org.fbs.auth.Caller;
import org.fbs.store.ApiToken;

/** The account page's view of the master's personal API tokens. */
public final class ApiTokenBook implements TokenBook {

    private final ApiTokens tokens;

    public ApiTokenBook(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Future<List<Token>> list(Caller owner) {
        return tokens.of(owner).map(list -> list.stream().map(ApiTokenBook::token).toList());
    }

    @Override
    public Future<Created> create(Caller owner, String name) {
        return tokens.create(owner, name).map(made -> new Created(token(made.token()), made.secret()));
    }

    @Override
    public Future<Boolean> revoke(Caller owner, String id) {
        if (id == null || !id.matches("[0-9]{1,18}")) {
            return Future.succeededFuture(false);
        }
        return tokens.revoke(owner, Long.parseLong(id));
    }

    private static Token token(ApiToken t) {
        return new Token(String.valueOf(t.id()), t.name(), t.created(), t.lastUsed());
    }
}
