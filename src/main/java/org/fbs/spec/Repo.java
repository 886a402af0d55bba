package org.fbs.spec;

/**
 * One package repository of a boot build, as the INI keys {@code {key}_url} and {@code {key}_mirror} name it.
 *
 * @param key    {@code 41}, {@code 41-updates} or {@code 41-updates-testing} (release first)
 * @param url    a base URL (lorax -s), or null
 * @param mirror a metalink or mirrorlist URL (lorax -m), or null; at least one of the two is set
 */
public record Repo(String key, String url, String mirror) {
}
