package org.fbs.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.fbs.build.Build;

/**
 * Who sent a request, as every route sees it once {@link Access} has let the request in.
 *
 * @param name  the user name (the OIDC {@code preferred_username}, or {@code local} without login)
 * @param email where their mails go; null when unknown
 * @param admin whether they see and cancel every build and drain workers
 * @param trusted whether their kickstarts may run as root on a worker without isolation: admins, and members of
 *                {@code master.auth.trusted-group}
 */
public record Caller(String name, String email, boolean admin, boolean trusted) {

    /** A caller trusted exactly when an admin. */
    public Caller(String name, String email, boolean admin) {
        this(name, email, admin, admin);
    }

    /** The one user of a master that runs without login: it listens on loopback only, so this is its operator. */
    public static final Caller LOCAL = new Caller("local", null, true);

    private static final String KEY = "fbs.caller";

    /** The caller of this request; null when nobody logged in (only on routes that let anybody read). */
    public static Caller of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    public void attachTo(RoutingContext ctx) {
        ctx.put(KEY, this);
    }

    /** As kept in a login session. */
    JsonObject toJson() {
        return new JsonObject().put("name", name).put("email", email).put("admin", admin).put("trusted", trusted);
    }

    static Caller fromJson(JsonObject json) {
        boolean admin = json.getBoolean("admin", false);
        return new Caller(json.getString("name"), json.getString("email"), admin, json.getBoolean("trusted", admin));
    }

    /** Users see and cancel their own builds; admins every build. */
    public boolean maySee(Build build) {
        return admin || name.equals(build.owner());
    }
}
