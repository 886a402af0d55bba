package org.fbs.notify;

import java.util.List;
import org.fbs.build.Secrets;

/**
 * A mail's text and HTML parts, written side by side. Every value is masked (no URL password gets out) and, in the
 * HTML part, escaped: nothing a user wrote can become markup.
 */
final class MailBody {

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder html = new StringBuilder(
        "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif\">\n");

    /** A paragraph; its lines stay lines in the HTML part too (a multi-line reason). */
    MailBody paragraph(String s) {
        String clean = Secrets.mask(s);
        text.append(clean).append("\n\n");
        html.append("<p>").append(lines(clean)).append("</p>\n");
        return this;
    }

    MailBody field(String label, String value) {
        String clean = Secrets.mask(value);
        text.append(label).append(": ").append(clean).append('\n');
        html.append("<div><b>").append(escape(label)).append(":</b> ").append(lines(clean)).append("</div>\n");
        return this;
    }

    /** A link; only http, https and ftp addresses become clickable, anything else stays text. */
    MailBody link(String label, String url) {
        String clean = Secrets.mask(url);
        text.append(label).append(": ").append(clean).append('\n');
        html.append("<div><b>").append(escape(label)).append(":</b> ");
        if (clean.matches("(?i)(https?|ftp)://[^\\s\"<>]+")) {
            html.append("<a href=\"").append(escape(clean)).append("\">").append(escape(clean)).append("</a>");
        } else {
            html.append(escape(clean));
        }
        html.append("</div>\n");
        return this;
    }

    MailBody gap() {
        text.append('\n');
        html.append("<br>\n");
        return this;
    }

    /** Lines shown as they are (a log's), under a heading. */
    MailBody preformatted(String heading, List<String> lines) {
        text.append(heading).append(":\n");
        html.append("<p><b>").append(escape(heading)).append(":</b></p>\n<pre>");
        for (String line : lines) {
            String clean = Secrets.mask(line);
            text.append("  ").append(clean).append('\n');
            html.append(escape(clean)).append('\n');
        }
        text.append('\n');
        html.append("</pre>\n");
        return this;
    }

    String text() {
        return text.toString();
    }

    String html() {
        return html + "</body></html>\n";
    }

    /** Escaped, each line break (CR LF, LF or CR) made a {@code <br>}. */
    static String lines(String s) {
        return String.join("<br>\n", escape(s).split("\r\n|\r|\n", -1));
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
