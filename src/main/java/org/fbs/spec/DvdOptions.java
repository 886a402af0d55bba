package org.fbs.spec;

import io.vertx.core.json.JsonObject;

/**
 * The [dvd] section: what pungi needs to make an installation DVD. Paths (destdir, cachedir, workdir) are not
 * here: the worker chooses them.
 *
 * @param name       pungi --name (e.g. Fedora)
 * @param version    pungi --ver
 * @param flavor     pungi --flavor (e.g. Server), or null
 * @param bugurl     pungi --bugurl, or null
 * @param stage      all, -G, -C, -B or -I (pungi --all-stages or that stage)
 * @param kickstart  the dvd kickstart pungi reads (-c)
 */
public record DvdOptions(String name, String version, String flavor, String bugurl, boolean nosource,
                         boolean sourceisos, boolean force, String stage, Kickstart kickstart) {

    /** The INI keys of this section, so that the canonical form parses back to the same options. */
    JsonObject toJson() {
        JsonObject json = new JsonObject()
            .put("name", name)
            .put("version", version)
            .put("nosource", nosource ? "1" : "0")
            .put("sourceisos", sourceisos ? "1" : "0")
            .put("force", force ? "1" : "0")
            .put("stage", stage);
        if (flavor != null) {
            json.put("flavor", flavor);
        }
        if (bugurl != null) {
            json.put("bugurl", bugurl);
        }
        kickstart.putInto(json);
        return json;
    }
}
