package org.fbs.spec;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** The [live] section: a live ISO by livemedia-creator from a kickstart, or by kiwi-ng from a kiwi description. */
final class LiveSection {

    static final List<String> KEYS = List.of("tool", "profile", "label", "title", "product", "releasever",
        KickstartKeys.CONFIG, KickstartKeys.KICKSTART);
    private static final Pattern PROFILE = Pattern.compile("(?!-)[A-Za-z0-9._+-]{1,64}");
    /** An ISO 9660 volume id holds at most 32 characters. */
    private static final int MAX_LABEL = 32;

    private LiveSection() {
    }

    /** The options, or null when [DEFAULT] or the kickstart keys were too broken to build them. */
    static LiveOptions read(Section own, String defaultRelease) {
        String tool = Objects.requireNonNullElse(own.value("tool"), LiveOptions.LIVEMEDIA_CREATOR);
        boolean kiwi = tool.equals(LiveOptions.KIWI);
        if (!kiwi && !tool.equals(LiveOptions.LIVEMEDIA_CREATOR)) {
            own.error("tool", "expected livemedia-creator or kiwi");
        }
        String profile = own.value("profile");
        if (kiwi && profile == null) {
            own.error("profile", "required when tool is kiwi");
        } else if (profile != null && !kiwi) {
            own.error("profile", "only for tool=kiwi");
        } else if (profile != null && !PROFILE.matcher(profile).matches()) {
            own.error("profile", "expected 1 to 64 letters, digits, dots, dashes, underscores or plus signs,"
                + " not starting with a dash");
        }
        String product = own.name("product", "Fedora");
        String releasever = own.sameRelease("releasever", defaultRelease);
        String label = own.word("label", null);
        String title = own.name("title", null);
        Kickstart kickstart = KickstartKeys.read(own, kiwi ? "config.kiwi" : "kickstart.ks", !kiwi);
        if (releasever == null || kickstart == null) {
            return null;
        }
        if (label == null) {
            String derived = product.replace(' ', '-') + "-Live-" + releasever;
            label = derived.length() > MAX_LABEL ? derived.substring(0, MAX_LABEL) : derived;
        }
        return new LiveOptions(tool, label, title, product, releasever, profile, kickstart);
    }
}
