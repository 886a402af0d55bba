package org.fbs.config;

import java.net.URI;

/**
 * Where a worker finds Koji, and how it fetches from it ({@code worker.koji.*}).
 *
 * @param hub        the hub's XML-RPC endpoint
 * @param topurl     the root of Koji's package tree, ending in {@code /}
 * @param parallel   downloads at once
 * @param cacheBytes the most the worker's package cache keeps on disk
 */
public record KojiSettings(URI hub, URI topurl, int parallel, long cacheBytes) {

    public static final KojiSettings DEFAULTS = new KojiSettings(URI.create("https://koji.fedoraproject.org/kojihub"),
        URI.create("https://kojipkgs.fedoraproject.org/"), 4, 10L << 30);

    static KojiSettings from(ConfigValues v) {
        return new KojiSettings(
            v.httpUrl("hub", DEFAULTS.hub().toString()),
            URI.create(withSlash(v.httpUrl("topurl", DEFAULTS.topurl().toString()).toString())),
            v.integer("parallel", DEFAULTS.parallel(), 1, 64),
            v.bytes("cache-size", DEFAULTS.cacheBytes()));
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
