package org.fbs.spec;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * One validated, immutable build request. Made only by {@link SpecParser}; its canonical JSON form
 * ({@link #toJson()}) parses back to an equal spec, which is how it travels to a worker.
 *
 * @param staging where results go, as written by the user (file:///abs/path or ftp://...)
 * @param email   addresses told about the build; may be empty
 * @param boot    the [boot] options; present when {@code type} is BOOT
 */
public record BuildSpec(ImageType type, String arch, String release, String staging, List<String> email,
                        BootOptions boot) {

    public BuildSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(release, "release");
        email = List.copyOf(email);
    }

    /** The event-bus address of the workers that can build this spec. */
    public String address() {
        return org.fbs.protocol.Addresses.build(arch, release);
    }

    /** The canonical JSON form, keyed like the INI format. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
            .put("type", type.section())
            .put("arch", arch)
            .put("release", release)
            .put("email", String.join(",", email));
        if (staging != null) {
            json.put("staging", staging);
        }
        if (boot != null) {
            json.put("boot", boot.toJson());
        }
        return json;
    }
}
