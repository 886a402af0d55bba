package org.fbs.build;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;
import org.fbs.spec.LiveOptions;

/**
 * The kinds of image a worker can be able to build, one per tool: what workers announce, and what a build needs.
 * A live image needs livemedia-creator, or kiwi-ng when its spec asks for kiwi, so those are two kinds.
 */
public final class ImageKinds {

    public static final String BOOT = "boot";
    public static final String LIVE = "live";
    public static final String LIVE_KIWI = "live-kiwi";
    public static final String DVD = "dvd";

    /** Kind to the {@code worker.tools} entry of the program that makes it. */
    public static final Map<String, String> TOOLS = Map.of(
        BOOT, "lorax",
        LIVE, "livemedia-creator",
        LIVE_KIWI, "kiwi-ng",
        DVD, "pungi");

    private ImageKinds() {
    }

    public static String of(BuildSpec spec) {
        if (spec.type() == ImageType.LIVE) {
            return spec.live().kiwi() ? LIVE_KIWI : LIVE;
        }
        return spec.type() == ImageType.DVD ? DVD : BOOT;
    }

    /**
     * The kind of a spec in its canonical JSON form, as the master stores it, without parsing the whole spec again:
     * the dispatcher asks this for every queued build each time it offers one.
     */
    public static String of(JsonObject canonical) {
        String type = canonical.getString("type", BOOT);
        if (LIVE.equals(type)) {
            JsonObject live = canonical.getJsonObject("live");
            return live != null && LiveOptions.KIWI.equals(live.getString("tool")) ? LIVE_KIWI : LIVE;
        }
        return DVD.equals(type) ? DVD : BOOT;
    }

    /** The kind in words, for users: {@code live (kiwi)} rather than {@code live-kiwi}. */
    public static String describe(String kind) {
        return LIVE_KIWI.equals(kind) ? "live (kiwi)" : kind;
    }
}
