package org.fbs.web;

/**
 * Markup written piece by piece: {@link #add} takes our own markup, {@link #text} anything else and escapes it, so
 * that no value from a user, a spec, a worker or a log can become markup.
 */
final class Html {

    private final StringBuilder out = new StringBuilder(4096);

    /** Our own markup, as written in this package; never a value from outside. */
    Html add(String markup) {
        out.append(markup);
        return this;
    }

    /** A value as text: escaped for both element content and quoted attribute values. */
    Html text(Object value) {
        out.append(esc(value == null ? "" : value.toString()));
        return this;
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
