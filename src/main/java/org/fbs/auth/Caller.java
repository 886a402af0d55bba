package org.fbs.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.fbs.build.Build;

/**
 * Who sent a request, as every route sees it once {@link Access} has let the request in.
 *
 * @param name    the account: what builds and API tokens are owned by, and what {@code master.auth.admins} lists. With
 *                login it belongs to one issuer and subject of the provider ({@link Identities}): the user name that
 *                subject had when it first logged in (a name another subject holds already gets a suffix); {@code
 *                local} without login
 * @param email   where their mails go; null when unknown
 * @param admin   whether they see and cancel every build and drain workers
 * @param trusted whether their kickstarts may run as root on a worker without isolation: admins, and members of
 *                {@code master.auth.trusted-group}
 * @param display the user name as the provider names them now, for pages
 */
public record Caller(String name, String email, boolean admin, boolean trusted, String display) {

    /** A caller trusted exactly when an admin, shown by its account name. */
    public Caller(String name, String email, boolean admin) {
        this(name, email, admin, admin, name);
    }

    /** A caller shown by its account name. */
    public Caller(String name, String email, boolean admin, boolean trusted) {
        this(name, email, admin, trusted, name);
    }

    /** The one user of a master that runs without login: it listens on loopback only, so this is its operator. */
    public static final Caller LOCAL = new Caller("local", null, true);

    private static final String KEY = "fbs.caller";

    public Caller {
        display = display == null || display.isBlank() ? name : display;
    }

    /** The caller of this request; null when nobody logged in (only on routes that let anybody read). */
    public static Caller of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    public void attachTo(RoutingContext ctx) {
        ctx.put(KEY, this);
    }

    /** As kept in a login session. */
    JsonObject toJson() {
        return new JsonObject().put("name", name).put("email", email).put("admin", admin).put("trusted", trusted)
            .put("display", display);
    }

    static Caller fromJson(JsonObject json) {
        boolean admin = json.getBoolean("admin", false);
        return new Caller(json.getString("name"), json.getString("email"), admin, json.getBoolean("trusted", admin),
            json.getString("display"));
    }

    /** Users see and cancel their own builds; admins every build. */
    public boolean maySee(Build build) {
        return admin || name.equals(build.owner());
    }
}
