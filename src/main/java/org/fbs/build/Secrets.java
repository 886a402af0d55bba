package org.fbs.build;

import java.util.regex.Pattern;

/** Hides passwords in URLs (scheme://user:password@host) before text goes to a log, a page or a mail. */
public final class Secrets {

    private static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:\\s]*):[^/@\\s]*@");

    private Secrets() {
    }

    public static String mask(String text) {
        return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1:***@");
    }
}
