package org.fbs.config;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who may use the master ({@code master.auth.*}). Without {@code oidc.issuer} nobody logs in: the master listens on
 * loopback only and serves its one local admin. {@link #toString()} never shows the client secret.
 *
 * @param issuer        the OpenID Connect provider (Fedora's is {@code https://id.fedoraproject.org/openidc}); null
 *                      when login is off
 * @param scopes        what the login asks for; the groups scope brings the {@code groups} claim
 * @param adminGroup    members of this group (the {@link #groupsClaim} claim) are admins; null for none
 * @param admins        user names that are admins whatever their groups
 * @param trustedGroup  members of this group are trusted: their kickstarts may run as root on a worker without
 *                      isolation ({@code worker.isolation: none}); admins always are; null for none
 * @param secureCookies whether the session and CSRF cookies carry Secure (default: when public-url is https)
 * @param usernameClaims the claims that give a user's name, the first one present wins
 *                      ({@code oidc.username-claims}; default preferred_username, username (token introspection),
 *                      sub: what FBS always used, so that existing accounts keep their names)
 * @param groupsClaim   the claim that lists a user's groups ({@code oidc.groups-claim}, default groups)
 */
public record AuthSettings(URI issuer, String clientId, String clientSecret, List<String> scopes, String adminGroup,
                           List<String> admins, boolean secureCookies, List<String> usernameClaims,
                           String groupsClaim, String trustedGroup) {

    public static final List<String> DEFAULT_SCOPES =
        List.of("openid", "email", "profile", "https://id.fedoraproject.org/scope/groups");
    public static final List<String> DEFAULT_USERNAME_CLAIMS =
        List.of("preferred_username", "username", "sub");
    private static final String CLAIM_NAME = "[A-Za-z0-9_.:/-]{1,100}";

    public AuthSettings {
        scopes = List.copyOf(scopes);
        admins = List.copyOf(admins);
        usernameClaims = List.copyOf(usernameClaims);
    }

    /** Settings with the default claim names and no trusted group: only admins are trusted. */
    public AuthSettings(URI issuer, String clientId, String clientSecret, List<String> scopes, String adminGroup,
                        List<String> admins, boolean secureCookies) {
        this(issuer, clientId, clientSecret, scopes, adminGroup, admins, secureCookies, DEFAULT_USERNAME_CLAIMS,
            "groups", null);
    }

    /** Settings with the default claim names and a trusted group. */
    public AuthSettings(URI issuer, String clientId, String clientSecret, List<String> scopes, String adminGroup,
                        List<String> admins, boolean secureCookies, String trustedGroup) {
        this(issuer, clientId, clientSecret, scopes, adminGroup, admins, secureCookies, DEFAULT_USERNAME_CLAIMS,
            "groups", trustedGroup);
    }

    /** Whether users log in (with an OIDC provider), rather than the master serving one local admin. */
    public boolean loginEnabled() {
        return issuer != null;
    }

    static AuthSettings from(JsonObject json, String publicUrl) {
        ConfigValues v = new ConfigValues(json, "master.auth");
        ConfigValues oidc = new ConfigValues(v.section("oidc"), "master.auth.oidc");
        String issuerText = blankToNull(oidc.string("issuer", null));
        URI issuer = null;
        String clientId = blankToNull(oidc.string("client-id", null));
        String clientSecret = blankToNull(oidc.string("client-secret", null));
        if (issuerText != null) {
            issuer = oidc.httpUrl("issuer", issuerText);
            if (issuer.getScheme().equals("http") && !isLoopback(issuer.getHost())) {
                // Tokens and codes would cross the network in clear.
                throw oidc.error("issuer", "expected an https:// URL (http:// only on loopback), got '"
                    + issuerText + "'");
            }
            if (clientId == null) {
                throw oidc.error("client-id", "required when master.auth.oidc.issuer is set");
            }
            if (clientSecret == null) {
                throw oidc.error("client-secret", "required when master.auth.oidc.issuer is set");
            }
        }
        List<String> scopes = oidc.list("scopes", DEFAULT_SCOPES);
        if (!scopes.contains("openid")) {
            throw oidc.error("scopes", "must include openid, got " + scopes);
        }
        List<String> admins = v.list("admins", List.of());
        List<String> usernameClaims = oidc.list("username-claims", DEFAULT_USERNAME_CLAIMS);
        if (usernameClaims.isEmpty() || !usernameClaims.stream().allMatch(c -> c.matches(CLAIM_NAME))) {
            throw oidc.error("username-claims", "expected a list of claim names such as [preferred_username, email, "
                + "sub], got " + usernameClaims);
        }
        String groupsClaim = oidc.string("groups-claim", "groups").trim();
        if (!groupsClaim.matches(CLAIM_NAME)) {
            throw oidc.error("groups-claim", "expected a claim name such as groups, got '" + groupsClaim + "'");
        }
        return new AuthSettings(issuer, clientId, clientSecret, scopes, blankToNull(v.string("admin-group", null)),
            admins, v.bool("secure-cookies", publicUrl.startsWith("https://")), usernameClaims, groupsClaim,
            blankToNull(v.string("trusted-group", null)));
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "AuthSettings[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret="
            + (clientSecret == null ? "none" : "***") + ", scopes=" + scopes + ", adminGroup=" + adminGroup
            + ", admins=" + admins + ", secureCookies=" + secureCookies + ", usernameClaims=" + usernameClaims
            + ", groupsClaim=" + groupsClaim + ", trustedGroup=" + trustedGroup + "]";
    }
}
