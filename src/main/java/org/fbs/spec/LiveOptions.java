package org.fbs.spec;

import io.vertx.core.json.JsonObject;

/**
 * The [live] section: a live ISO made by livemedia-creator from a kickstart, or by kiwi-ng from a kiwi
 * description when {@code tool} is kiwi. Paths (tmpdir, cachedir, logfile) are not here: the worker chooses them.
 *
 * @param tool        {@code livemedia-creator} (default) or {@code kiwi}
 * @param label       the ISO's volume id (livemedia-creator --volid), at most 32 characters
 * @param title       livemedia-creator --title, or null
 * @param product     livemedia-creator --project
 * @param releasever  livemedia-creator --releasever
 * @param kiwiProfile kiwi-ng --profile when tool is kiwi, else null
 * @param kickstart   the kickstart (livemedia-creator) or kiwi description file (kiwi)
 */
public record LiveOptions(String tool, String label, String title, String product, String releasever,
                          String kiwiProfile, Kickstart kickstart) {

    public static final String LIVEMEDIA_CREATOR = "livemedia-creator";
    public static final String KIWI = "kiwi";

    public boolean kiwi() {
        return KIWI.equals(tool);
    }

    /** The INI keys of this section, so that the canonical form parses back to the same options. */
    JsonObject toJson() {
        JsonObject json = new JsonObject()
            .put("tool", tool)
            .put("label", label)
            .put("product", product)
            .put("releasever", releasever);
        if (title != null) {
            json.put("title", title);
        }
        if (kiwiProfile != null) {
            json.put("profile", kiwiProfile);
        }
        kickstart.putInto(json);
        return json;
    }
}
