package org.fbs.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * How the master sends mail ({@code master.smtp.*}). With no host, mails are written to the master's log and kept
 * in the outbox instead. {@link #toString()} never shows the password.
 *
 * @param starttls disabled, optional or required
 * @param login    the user to log in as; null to send without logging in
 */
public record SmtpSettings(String host, int port, String starttls, String login, String password, String from) {

    public static final SmtpSettings NONE = new SmtpSettings(null, 25, "optional", null, null, "fbs@localhost");

    public boolean configured() {
        return host != null;
    }

    static SmtpSettings from(JsonObject json) {
        ConfigValues v = new ConfigValues(json, "master.smtp");
        String host = blankToNull(v.string("host", null));
        String starttls = v.string("starttls", "optional").trim().toLowerCase(Locale.ROOT);
        if (!starttls.matches("disabled|optional|required")) {
            throw v.error("starttls", "expected disabled, optional or required, not '" + starttls + "'");
        }
        String from = v.string("from", "fbs@localhost").trim();
        if (!from.matches("[^\\s@<>\"]+@[^\\s@<>\"]+")) {
            throw v.error("from", "expected an email address such as fbs@example.org");
        }
        return new SmtpSettings(host, v.integer("port", 25, 1, 65535), starttls, blankToNull(v.string("login", null)),
            v.string("password", null), from);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", starttls=" + starttls + ", login=" + login
            + ", password=" + (password == null ? "none" : "***") + ", from=" + from + "]";
    }
}
