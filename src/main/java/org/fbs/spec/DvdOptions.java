package org.fbs.spec;

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
}
