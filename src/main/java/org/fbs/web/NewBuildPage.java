package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.fbs.auth.Caller;
import org.fbs.service.ErrorStatus;
import org.fbs.service.MasterException;
import org.fbs.service.MasterService;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /builds/new} shows the form; {@code POST /builds} turns it into the JSON spec the REST API takes,
 * validates it with {@link SpecParser} and submits it to the {@link MasterService}: a new build answers 303 to its
 * page, a bad one 400 with the form as it was filled and each message beside its field.
 */
final class NewBuildPage {

    private static final Logger LOG = LoggerFactory.getLogger(NewBuildPage.class);
    private static final String TITLE = "New build";

    private final Vertx vertx;
    private final MasterService master;

    NewBuildPage(Vertx vertx, MasterService master) {
        this.vertx = vertx;
        this.master = master;
    }

    void show(RoutingContext ctx, Caller caller) {
        MultiMap defaults = MultiMap.caseInsensitiveMultiMap().add("type", "boot").add("arch", "x86_64")
            .add("dvd.stage", "all").add("live.tool", "livemedia-creator");
        if (caller.email() != null) {
            defaults.add("email", caller.email());
        }
        Layout.send(ctx, 200, TITLE, "newbuild.jte", NewBuildView.of(defaults, List.of(), false), 0);
    }

    void submit(RoutingContext ctx, Caller caller) {
        MultiMap form = ctx.request().formAttributes();
        FileUpload upload = ctx.fileUploads().stream()
            .filter(u -> u.name().equals(BuildForm.KICKSTART_FILE) && u.size() > 0).findFirst().orElse(null);
        Future<String> kickstart = upload == null ? Future.succeededFuture(null)
            : vertx.fileSystem().readFile(upload.uploadedFileName()).map(b -> b.toString(StandardCharsets.UTF_8));
        kickstart.onFailure(ctx::fail).onSuccess(text -> {
            boolean uploaded = upload != null;
            JsonObject json = BuildForm.toSpec(form, uploaded ? upload.fileName() : null, text);
            BuildSpec spec;
            try {
                spec = SpecParser.fromJson(json);
            } catch (SpecException e) {
                refuse(ctx, form, e.errors(), uploaded);
                return;
            }
            master.submit(spec, caller).onComplete(stored -> {
                if (stored.succeeded()) {
                    ctx.response().setStatusCode(303).putHeader("location", "/builds/" + stored.result().id()).end();
                } else if (stored.cause() instanceof MasterException e && e.reason() == MasterException.Reason.INVALID) {
                    refuse(ctx, form, e.errors(), uploaded);
                } else if (ErrorStatus.of(stored.cause()) < 500) {
                    // Refused by the master (no isolating worker, too many queued): its words say why.
                    Layout.message(ctx, ErrorStatus.of(stored.cause()), TITLE, stored.cause().getMessage());
                } else {
                    LOG.error("a build from the form could not be stored", stored.cause());
                    Layout.message(ctx, 503, TITLE, "The build could not be stored; nothing was queued."
                        + " Try again in a moment; the master's log has the details.");
                }
            });
        });
    }

    private void refuse(RoutingContext ctx, MultiMap form, List<String> errors, boolean uploaded) {
        Layout.send(ctx, 400, TITLE, "newbuild.jte", NewBuildView.of(form, errors, uploaded), 0);
    }
}
