package org.fbs.testkit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.fbs.build.Build;

/**
 * A queued {@link Build} as the master stores it on submission, made by the production factory: alice's boot ISO of
 * x86_64/41, queued at a fixed instant, unless the test says. Tests move it on with the record's own state changes
 * ({@code assigned}, {@code running}, {@code finished}...).
 */
public final class BuildBuilder {

    /** When a built build was queued unless a test says. */
    public static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

    private JsonObject spec = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41");
    private String address = "build.x86_64.41";
    private String owner = "alice";
    private Instant at = T0;
    private long id;

    private BuildBuilder() {
    }

    /** A build just submitted, not yet stored (id 0) unless {@link #id} says. */
    public static BuildBuilder queued() {
        return new BuildBuilder();
    }

    /** The build spec as JSON. */
    public BuildBuilder spec(JsonObject value) {
        spec = value;
        return this;
    }

    /** The offer address of its arch and release, {@code build.ARCH.RELEASE}. */
    public BuildBuilder address(String value) {
        address = value;
        return this;
    }

    public BuildBuilder owner(String value) {
        owner = value;
        return this;
    }

    /** When it was queued. */
    public BuildBuilder at(Instant value) {
        at = value;
        return this;
    }

    /** The id the store gave it. */
    public BuildBuilder id(long value) {
        id = value;
        return this;
    }

    public Build build() {
        Build queued = Build.queued(spec, address, owner, false, at);
        return id == 0 ? queued : queued.withId(id);
    }
}
