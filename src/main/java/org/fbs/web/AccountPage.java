package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.fbs.auth.Caller;

/**
 * {@code GET /account}: who the caller is, and their personal API tokens when this master keeps any
 * ({@code POST /account/tokens} makes one and shows it once, {@code POST /account/tokens/{id}/revoke} ends one).
 */
final class AccountPage {

    private static final int MAX_NAME = 64;

    /** Null when this master keeps no API tokens. */
    private final TokenBook tokens;

    AccountPage(TokenBook tokens) {
        this.tokens = tokens;
    }

    void show(RoutingContext ctx, Caller caller) {
        render(ctx, caller, 200, null, null);
    }

    void create(RoutingContext ctx, Caller caller) {
        if (tokens == null) {
            render(ctx, caller, 404, "This master keeps no API tokens.", null);
            return;
        }
        String name = ctx.request().getFormAttribute("name");
        name = name == null ? "" : name.strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            render(ctx, caller, 400, "name: give the token a name of 1 to " + MAX_NAME + " characters.", null);
            return;
        }
        tokens.create(caller, name).onSuccess(created -> render(ctx, caller, 200, null, created))
            .onFailure(err -> {
                if (err instanceof IllegalArgumentException || err instanceof IllegalStateException) {
                    // A bad name or too many tokens: the user can fix it.
                    render(ctx, caller, 400, err.getMessage(), null);
                } else {
                    ctx.fail(err);
                }
            });
    }

    void revoke(RoutingContext ctx, Caller caller) {
        if (tokens == null) {
            render(ctx, caller, 404, "This master keeps no API tokens.", null);
            return;
        }
        tokens.revoke(caller, ctx.pathParam("id")).onFailure(ctx::fail).onSuccess(done -> {
            if (done) {
                ctx.response().setStatusCode(303).putHeader("location", "/account").end();
            } else {
                render(ctx, caller, 404, "You have no such token.", null);
            }
        });
    }

    private void render(RoutingContext ctx, Caller caller, int status, String problem, TokenBook.Created created) {
        Future<List<TokenBook.Token>> listed = tokens == null ? Future.succeededFuture(List.of()) : tokens.list(caller);
        listed.onFailure(ctx::fail).onSuccess(list -> Layout.send(ctx, status, "Account", "account.jte",
            new AccountView(caller.name(), caller.email(), caller.admin(), Caller.LOCAL.equals(Caller.of(ctx)),
                tokens != null, problem, created, list, MAX_NAME), 0));
    }
}
