package org.fbs.web;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.fbs.auth.Caller;
import org.fbs.master.BuildIntake;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /builds/new} shows the form; {@code POST /builds} turns it into the JSON spec the REST API takes,
 * validates it with {@link SpecParser} and submits it through {@link BuildIntake}: a new build answers 303 to its
 * page, a bad one 400 with the form as it was filled and each message beside its field.
 */
final class NewBuildPage {

    private static final Logger LOG = LoggerFactory.getLogger(NewBuildPage.class);
    private static final String TITLE = "New build";

    private final Vertx vertx;
    private final BuildIntake intake;

    NewBuildPage(Vertx vertx, BuildIntake intake) {
        this.vertx = vertx;
        this.intake = intake;
    }

    void show(RoutingContext ctx, Caller caller) {
        MultiMap defaults = MultiMap.caseInsensitiveMultiMap().add("type", "boot").add("arch", "x86_64")
            .add("dvd.stage", "all").add("live.tool", "livemedia-creator");
        if (caller.email() != null) {
            defaults.add("email", caller.email());
        }
        Layout.send(ctx, 200, TITLE, form(ctx, defaults, List.of(), false), 0);
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
            intake.submit(spec, caller).onComplete(stored -> {
                if (stored.succeeded()) {
                    ctx.response().setStatusCode(303).putHeader("location", "/builds/" + stored.result().getLong("id"))
                        .end();
                } else if (stored.cause() instanceof SpecException e) {
                    refuse(ctx, form, e.errors(), uploaded);
                } else if (stored.cause() instanceof ReplyException re && re.failureCode() >= 400
                    && re.failureCode() < 500) {
                    // Refused by the dispatcher (no isolating worker, too many queued): its words say why.
                    Layout.message(ctx, re.failureCode(), TITLE, re.getMessage());
                } else {
                    LOG.error("a build from the form could not be stored", stored.cause());
                    Layout.message(ctx, 503, TITLE, "The build could not be stored; nothing was queued."
                        + " Try again in a moment; the master's log has the details.");
                }
            });
        });
    }

    private void refuse(RoutingContext ctx, MultiMap form, List<String> errors, boolean uploaded) {
        Layout.send(ctx, 400, TITLE, form(ctx, form, errors, uploaded), 0);
    }

    private static Html form(RoutingContext ctx, MultiMap values, List<String> errors, boolean uploaded) {
        Html h = new Html().add("<h1>New build</h1>");
        Map<String, List<String>> byField = BuildForm.byField(errors, uploaded);
        if (!errors.isEmpty()) {
            h.add("<div class=\"errors\" id=\"errors\" role=\"alert\"><p>The build spec has ").text(errors.size())
                .add(errors.size() == 1 ? " error" : " errors").add(":</p><ul>");
            errors.forEach(e -> h.add("<li>").text(e).add("</li>"));
            h.add("</ul>");
            if (uploaded) {
                h.add("<p>Choose the kickstart file again: a browser does not send it twice.</p>");
            }
            h.add("</div>");
        }
        h.add("<form id=\"new-build\" method=\"post\" action=\"/builds\" enctype=\"multipart/form-data\">")
            .add(Layout.csrfField(ctx));
        BuildForm.GROUPS.forEach((legend, fields) -> {
            List<String> types = fields.get(0).types();
            h.add("<fieldset").add(types.isEmpty() ? "" : " data-types=\"" + String.join(" ", types) + "\"")
                .add("><legend>").text(legend).add("</legend>");
            fields.forEach(f -> field(h, f, values, byField.getOrDefault(f.name(), List.of())));
            h.add("</fieldset>");
        });
        return h.add("<p><button type=\"submit\" id=\"submit\">Submit build</button></p></form>");
    }

    private static void field(Html h, BuildForm.Field f, MultiMap values, List<String> errors) {
        String id = "f-" + f.name().replace('.', '-');
        String value = values.get(f.name());
        h.add("<div class=\"field").add(errors.isEmpty() ? "" : " invalid").add("\">");
        if (f.kind() == BuildForm.Kind.CHECK) {
            h.add("<label for=\"").text(id).add("\"><input type=\"checkbox\" id=\"").text(id).add("\" name=\"")
                .text(f.name()).add("\" value=\"1\"").add(values.contains(f.name()) ? " checked" : "").add("> ")
                .text(f.label()).add("</label>");
        } else {
            h.add("<label for=\"").text(id).add("\">").text(f.label()).add("</label>");
            switch (f.kind()) {
                case SELECT -> {
                    h.add("<select id=\"").text(id).add("\" name=\"").text(f.name()).add("\">");
                    for (String option : f.options()) {
                        h.add("<option").add(option.equals(value) ? " selected" : "").add(">").text(option)
                            .add("</option>");
                    }
                    h.add("</select>");
                }
                case LIST -> h.add("<textarea id=\"").text(id).add("\" name=\"").text(f.name())
                    .add("\" rows=\"3\" placeholder=\"").text(f.placeholder()).add("\">").text(value)
                    .add("</textarea>");
                case FILE -> h.add("<input type=\"file\" id=\"").text(id).add("\" name=\"").text(f.name())
                    .add("\" accept=\".ks,.cfg,.kiwi,.xml,text/plain,application/xml\">");
                default -> h.add("<input type=\"text\" id=\"").text(id).add("\" name=\"").text(f.name())
                    .add("\" value=\"").text(value).add("\" placeholder=\"").text(f.placeholder()).add("\">");
            }
        }
        for (String error : errors) {
            h.add("<p class=\"field-error\">").text(error).add("</p>");
        }
        h.add("<p class=\"help\">").text(f.help()).add("</p></div>");
    }
}
