package org.fbs.auth;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets requests in and says who sent them ({@link Caller}). Without a login provider the master listens on loopback
 * only, and every request comes from its one local admin.
 */
public final class Access {

    /** The hidden form field (and header) that carries a form's CSRF token. */
    public static final String CSRF_FIELD = "X-XSRF-TOKEN";

    /** Installs, in front of every route, the handler that attaches the caller. */
    public void install(Router router) {
        router.route().handler(ctx -> {
            Caller.LOCAL.attachTo(ctx);
            ctx.next();
        });
    }

    /** The CSRF token a form of this request's page must send back; empty in local mode, where nothing checks it. */
    public static String csrfToken(RoutingContext ctx) {
        return "";
    }

    /** True when the master runs without login: loopback only, every request from the local admin. */
    public static boolean localMode() {
        return true;
    }
}
