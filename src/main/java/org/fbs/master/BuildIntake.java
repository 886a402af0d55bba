package org.fbs.master;

import org.fbs.kickstart.KickstartFetcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.fbs.auth.Caller;
import org.fbs.config.MasterSettings;
import org.fbs.protocol.Addresses;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;

/**
 * The one way a new build comes in, whether from the REST API, the 2012 endpoint or the web form: a kickstart named
 * by URL is fetched first (so that the stored spec carries its text), then the dispatcher stores and queues it,
 * marked for isolation when it runs an untrusted owner's code ({@link OwnerCode}).
 */
public final class BuildIntake {

    private final Vertx vertx;
    private final KickstartFetcher kickstarts;

    /** @param settings the master's: its kickstart size limit and the hosts it may fetch kickstarts from */
    public BuildIntake(Vertx vertx, MasterSettings settings) {
        this.vertx = vertx;
        this.kickstarts = new KickstartFetcher(vertx, KickstartFetcher.TIMEOUT,
            KickstartFetcher.Policy.of(settings.limits()));
    }

    /**
     * Completes with the stored build (its full JSON: show users {@link BuildView#of} of it); fails with a
     * {@link SpecException} when the kickstart cannot be had, or with the dispatcher's failure when nothing was stored
     * ({@link Dispatcher#NOT_ISOLATED} when it needs isolation that no online worker has).
     */
    public Future<JsonObject> submit(BuildSpec parsed, Caller caller) {
        return kickstarts.withText(parsed).compose(spec -> {
            JsonObject request = new JsonObject().put("spec", spec.toJson()).put("address", Addresses.build(spec.arch(), spec.release()))
                .put("owner", caller.name()).put("isolate", OwnerCode.needsIsolation(spec, caller));
            return vertx.eventBus().<JsonObject>request(Addresses.MASTER_SUBMIT, request).map(m -> m.body());
        });
    }
}
