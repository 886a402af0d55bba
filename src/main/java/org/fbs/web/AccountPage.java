package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.fbs.auth.Access;
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
        listed.onFailure(ctx::fail).onSuccess(list -> {
            Html h = new Html().add("<h1>Account</h1><dl class=\"facts\" id=\"who\"><dt>Name</dt><dd id=\"name\">")
                .text(caller.name()).add("</dd><dt>Email</dt><dd id=\"email\">")
                .text(caller.email() == null ? "(not known)" : caller.email()).add("</dd><dt>Admin</dt><dd id=\"admin\">")
                .text(caller.admin() ? "yes: sees and cancels every build, drains workers" : "no").add("</dd></dl>");
            if (Caller.LOCAL.equals(Caller.of(ctx))) {
                h.add("<p class=\"note\">This master runs without login: it listens on this machine only, and"
                    + " whoever reaches it is the local admin.</p>");
            }
            h.add("<section id=\"tokens\"><h2>API tokens</h2>");
            if (problem != null) {
                h.add("<p class=\"error\" role=\"alert\">").text(problem).add("</p>");
            }
            if (tokens == null) {
                h.add("<p>This master keeps no API tokens.</p></section>");
                Layout.send(ctx, status, "Account", h, 0);
                return;
            }
            if (created != null) {
                h.add("<div class=\"new-token\" role=\"status\"><p>Your new token <strong>").text(created.token().name())
                    .add("</strong>; copy it now, it is not shown again:</p><code id=\"new-token\">")
                    .text(created.secret()).add("</code></div>");
            }
            h.add("<p>Send one as <code>Authorization: Bearer TOKEN</code> to the REST API, or put it in"
                + " <code>~/.config/fbs/client.yaml</code> for the CLI.</p>");
            if (!list.isEmpty()) {
                h.add("<table><thead><tr><th>Name</th><th>Created</th><th>Last used</th><th></th></tr></thead><tbody>");
                for (TokenBook.Token t : list) {
                    h.add("<tr><td>").text(t.name()).add("</td><td>").add(Show.time(t.created())).add("</td><td>")
                        .add(t.lastUsed() == null ? "never" : Show.time(t.lastUsed()))
                        .add("</td><td><form method=\"post\" action=\"/account/tokens/")
                        .text(java.net.URLEncoder.encode(t.id(), java.nio.charset.StandardCharsets.UTF_8))
                        .add("/revoke\">").add(Layout.csrfField(ctx))
                        .add("<button type=\"submit\" class=\"danger\">Revoke</button></form></td></tr>");
                }
                h.add("</tbody></table>");
            }
            h.add("<form method=\"post\" action=\"/account/tokens\" class=\"inline\">").add(Layout.csrfField(ctx))
                .add("<label>Name <input name=\"name\" maxlength=\"").text(MAX_NAME)
                .add("\" placeholder=\"CLI on my desktop\" required></label> <button type=\"submit\">Create token</button>")
                .add("</form></section>");
            Layout.send(ctx, status, "Account", h, 0);
        });
    }
}
