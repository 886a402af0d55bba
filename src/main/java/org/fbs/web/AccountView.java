package org.fbs.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the account page's template shows.
 *
 * @param keepsTokens whether this master keeps API tokens at all
 * @param problem     what went wrong with the caller's last request; null when nothing did
 * @param created     the token just made (its secret shown once); null otherwise
 */
record AccountView(String name, String email, boolean admin, boolean localMode, boolean keepsTokens,
                   String problem, TokenBook.Created created, List<TokenBook.Token> tokens, int maxName) {

    /** Where a token's Revoke form posts. */
    static String revokeAction(TokenBook.Token t) {
        return "/account/tokens/" + URLEncoder.encode(t.id(), StandardCharsets.UTF_8) + "/revoke";
    }
}
