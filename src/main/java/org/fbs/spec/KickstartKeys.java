package org.fbs.spec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The kickstart of a dvd or live section: {@code kickstart} holds the text (JSON form only), {@code config} its
 * file name or the http(s) URL the master fetches it from. A path is never read: a request does not choose what
 * the master opens.
 */
final class KickstartKeys {

    static final String CONFIG = "config";
    static final String KICKSTART = "kickstart";

    private static final Pattern FILE_NAME = Pattern.compile("(?!\\.)[A-Za-z0-9._+-]{1,128}");

    private KickstartKeys() {
    }

    /**
     * The kickstart, its text null while it is still to be fetched; null (with an error) when neither is given.
     *
     * @param isKickstart false for a kiwi description, which is XML: no include rule applies to it
     */
    static Kickstart read(Section own, String defaultName, boolean isKickstart) {
        String config = own.value(CONFIG);
        String text = own.value(KICKSTART);
        if (text != null && text.isBlank()) {
            text = null;
        }
        if (text != null && (text.length() > Kickstart.MAX_BYTES
            || text.getBytes(StandardCharsets.UTF_8).length > Kickstart.MAX_BYTES)) {
            own.error(KICKSTART, "larger than 1 MiB");
        } else if (text != null && isKickstart) {
            // Checked here, so also a fetched kickstart (parsed again with its text) and a spec a worker reads.
            KickstartIncludes.Include include = KickstartIncludes.first(text);
            if (include != null) {
                own.error(CONFIG, "the kickstart's " + include.describe() + " includes another file: "
                    + KickstartIncludes.WHY);
            }
        }
        if (config == null) {
            if (text == null) {
                own.error(CONFIG, "required: an http or https URL to the kickstart"
                    + " (or, in the JSON form, its text in kickstart)");
                return null;
            }
            return new Kickstart(defaultName, text);
        }
        if (Section.isUrl(config, "http", "https")) {
            if (URI.create(config).getRawUserInfo() != null) {
                own.error(CONFIG, "a URL with a user or password is not accepted");
            }
        } else if (config.contains("://")) {
            own.error(CONFIG, "not an http or https URL");
        } else if (SpecParser.containsAny(config, "/\\")) {
            own.error(CONFIG, "a path is never read; give an http or https URL, or send the kickstart text");
        } else if (!FILE_NAME.matcher(config).matches()) {
            own.error(CONFIG, "expected an http or https URL, or a file name with the kickstart text");
        } else if (text == null) {
            own.error(CONFIG, "a file name alone cannot be fetched; give an http or https URL,"
                + " or send the kickstart text");
        }
        return new Kickstart(config, text);
    }
}
