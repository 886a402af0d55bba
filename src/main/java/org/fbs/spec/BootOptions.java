package org.fbs.spec;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The [boot] section: what lorax needs to make a boot.iso.
 *
 * @param product  lorax -p (e.g. Fedora)
 * @param version  lorax -v (e.g. 41)
 * @param release  lorax -r (e.g. 41)
 * @param repos    the release repo, then updates and updates-testing when enabled
 * @param proxy    lorax --proxy, or null
 */
public record BootOptions(String product, String version, String release, List<Repo> repos, String proxy,
                          boolean updates, boolean updatesTesting) {

    public BootOptions {
        repos = List.copyOf(repos);
    }

    /** The INI keys of this section, so that the canonical form parses back to the same options. */
    JsonObject toJson() {
        JsonObject json = new JsonObject()
            .put("product", product)
            .put("version", version)
            .put("release", release)
            .put("updates", updates ? "1" : "0")
            .put("updates-testing", updatesTesting ? "1" : "0");
        for (Repo repo : repos) {
            if (repo.url() != null) {
                json.put(repo.key() + "_url", repo.url());
            }
            if (repo.mirror() != null) {
                json.put(repo.key() + "_mirror", repo.mirror());
            }
        }
        if (proxy != null) {
            json.put("proxy", proxy);
        }
        return json;
    }
}
