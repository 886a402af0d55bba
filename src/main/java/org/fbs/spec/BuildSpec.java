package org.fbs.spec;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One validated, immutable build request. Made only by {@link SpecParser}; its canonical JSON form
 * ({@link #toJson()}) parses back to an equal spec, which is how it travels to a worker.
 *
 * @param staging  where results go: file:///abs/path, ftp://..., or {@link #WORKER_STAGING} (kept on the worker,
 *                 the default)
 * @param email    addresses told about the build; may be empty
 * @param packages extra packages from Koji for the side repository; {@link KojiPackages#NONE} when none
 * @param boot     the [boot] options; present when {@code type} is BOOT, else null
 * @param dvd      the [dvd] options; present when {@code type} is DVD, else null
 * @param live     the [live] options; present when {@code type} is LIVE, else null
 */
public record BuildSpec(ImageType type, String arch, String release, String staging, List<String> email,
                        KojiPackages packages, BootOptions boot, DvdOptions dvd, LiveOptions live) {

    /** The staging value that keeps results on the worker, served at /artifacts/{id}/{file}. */
    public static final String WORKER_STAGING = "worker";

    public BuildSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(staging, "staging");
        Objects.requireNonNull(packages, "packages");
        email = List.copyOf(email);
    }

    /** True when results stay on the worker. */
    public boolean stagedOnWorker() {
        return WORKER_STAGING.equals(staging);
    }

    /** The canonical JSON form, keyed like the INI format. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
            .put("type", type.section())
            .put("arch", arch)
            .put("release", release)
            .put("email", String.join(",", email))
            .put("staging", staging);
        JsonObject section = switch (type) {
            case BOOT -> boot.toJson();
            case DVD -> dvd.toJson();
            case LIVE -> live.toJson();
        };
        if (!packages.nvrs().isEmpty()) {
            section.put("nvr", String.join(";", packages.nvrs()));
        }
        if (!packages.buildIds().isEmpty()) {
            section.put("bid", packages.buildIds().stream().map(String::valueOf).collect(Collectors.joining(";")));
        }
        return json.put(type.section(), section);
    }

    /** The kickstart of a dvd or live build; null for a boot build. */
    public Kickstart kickstart() {
        return switch (type) {
            case BOOT -> null;
            case DVD -> dvd.kickstart();
            case LIVE -> live.kickstart();
        };
    }

    /** This spec with the kickstart text the master fetched from the kickstart's URL. */
    public BuildSpec withKickstartText(String text) {
        Kickstart fetched = new Kickstart(kickstart().name(), Objects.requireNonNull(text, "text"));
        return switch (type) {
            case BOOT -> throw new IllegalStateException("a boot build has no kickstart");
            case DVD -> new BuildSpec(type, arch, release, staging, email, packages, boot,
                new DvdOptions(dvd.name(), dvd.version(), dvd.flavor(), dvd.bugurl(), dvd.nosource(),
                    dvd.sourceisos(), dvd.force(), dvd.stage(), fetched), live);
            case LIVE -> new BuildSpec(type, arch, release, staging, email, packages, boot, dvd,
                new LiveOptions(live.tool(), live.label(), live.title(), live.product(), live.releasever(),
                    live.kiwiProfile(), fetched));
        };
    }
}
