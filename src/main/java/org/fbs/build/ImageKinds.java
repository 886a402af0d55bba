package org.fbs.build;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;
import org.fbs.spec.SpecException;

/**
 * The image kinds FBS builds, one {@link ImageKind} each, in the order workers list them; the one place that finds
 * a spec's kind (as {@link org.fbs.staging.Stagers} finds a staging target's stager).
 */
public final class ImageKinds {

    public static final String BOOT = "boot";
    public static final String LIVE = "live";
    public static final String LIVE_KIWI = "live-kiwi";
    public static final String DVD = "dvd";

    private static final List<ImageKind> ALL = List.of(new LoraxBoot(), new LmcLive(), new KiwiLive(), new PungiDvd());

    private ImageKinds() {
    }

    /** Every kind, in a stable order. */
    public static List<ImageKind> all() {
        return ALL;
    }

    /** The kind named {@code name}, or null. */
    public static ImageKind named(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
    }

    /** The kind of a parsed spec: that of its canonical form, read in one place. */
    public static ImageKind of(BuildSpec spec) {
        return of(spec.toJson());
    }

    /**
     * The kind of a spec in its canonical JSON form, as the master stores it, without parsing the whole spec again:
     * the dispatcher asks this for every queued build each time it offers one. The type and its section's
     * {@code tool} key decide.
     */
    public static ImageKind of(JsonObject canonical) {
        String type = canonical.getString("type", BOOT);
        JsonObject section = canonical.getJsonObject(type);
        ImageType imageType;
        try {
            imageType = ImageType.of(type);
        } catch (IllegalArgumentException e) {
            imageType = ImageType.BOOT;
        }
        return of(imageType, section == null ? null : section.getString("tool"));
    }

    /** The kind that builds {@code type} with the section's {@code tool} key (null when absent). */
    public static ImageKind of(ImageType type, String tool) {
        for (ImageKind kind : ALL) {
            if (kind.builds(type, tool)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no image kind builds " + type + " with tool " + tool);
    }

    /**
     * Refuses what the spec's image tool itself would refuse (a mirror list alone for lorax, a DVD name that cannot
     * be staged...), so that it is refused at submit and not after the build ran: each problem as
     * {@code [section] key: reason}. The spec's format is {@link org.fbs.spec.SpecParser}'s to check, the tools'
     * rules are the kinds'.
     */
    public static void check(BuildSpec spec) throws SpecException {
        List<String> refused = of(spec).refusals(spec);
        if (!refused.isEmpty()) {
            throw new SpecException(refused);
        }
    }

    /** The kind in words, for users: {@code live (kiwi)} rather than {@code live-kiwi}. */
    public static String describe(String kind) {
        ImageKind known = named(kind);
        return known == null ? kind : known.describe();
    }

    /** Each kind's {@code worker.tools} entry and its default program. */
    public static Map<String, String> defaultPrograms() {
        Map<String, String> programs = new LinkedHashMap<>();
        ALL.forEach(k -> k.tools().forEach(tool -> programs.put(tool, k.defaultProgram(tool))));
        return programs;
    }
}
