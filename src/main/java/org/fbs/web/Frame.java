package org.fbs.web;

/**
 * What every page's frame shows besides its own content: the title, who is logged in, and how often the page's
 * script refreshes its live parts.
 *
 * @param user          the caller's name, null when nobody is logged in
 * @param logout        whether to show the Log out form (a real login, not local mode)
 * @param localMode     the master runs without login
 * @param csrf          the CSRF token the page's forms carry ({@code ""} when there is none)
 * @param refreshMillis 0 when nothing on the page changes
 */
record Frame(String title, String user, boolean admin, boolean logout, boolean localMode, String csrf,
             long refreshMillis) {

    static final String CSS = WebPages.CSS;
    static final String JS = WebPages.JS;

    /** The body's data-refresh; null leaves the attribute out (the page then never refreshes). */
    String refresh() {
        return refreshMillis > 0 ? Long.toString(refreshMillis) : null;
    }
}
