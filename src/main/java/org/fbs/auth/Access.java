package org.fbs.auth;

import io.vertx.ext.web.Router;

/**
 * Lets requests in and says who sent them ({@link Caller}). Without a login provider the master listens on loopback
 * only, and every request comes from its one local admin.
 */
public final class Access {

    /** Installs, in front of every route, the handler that attaches the caller. */
    public void install(Router router) {
        router.route().handler(ctx -> {
            Caller.LOCAL.attachTo(ctx);
            ctx.next();
        });
    }
}
