package org.fbs.master;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code GET /api/v1/openapi.yaml} and {@code /api/v1/openapi.json}: the API's OpenAPI document, the one in the jar
 * (src/main/resources/openapi.yaml). Read from the class path, never from the working directory, so a file there
 * cannot stand in for it.
 */
final class OpenApiRoutes {

    static final String RESOURCE = "/openapi.yaml";

    private record Document(String yaml, String json) {
    }

    private OpenApiRoutes() {
    }

    static void mount(Router router, Vertx vertx) {
        Future<Document> document = vertx.executeBlocking(OpenApiRoutes::load);
        router.get("/api/v1/openapi.yaml").handler(ctx -> send(ctx, document, "application/yaml", Document::yaml));
        router.get("/api/v1/openapi.json").handler(ctx -> send(ctx, document, "application/json", Document::json));
    }

    private static void send(RoutingContext ctx, Future<Document> document, String type,
                             java.util.function.Function<Document, String> form) {
        document.onSuccess(d -> ctx.response().putHeader("content-type", type + "; charset=utf-8").end(form.apply(d)))
            .onFailure(ctx::fail);
    }

    /** The YAML text of the document in the jar. */
    static String yaml() throws IOException {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Document load() throws IOException {
        String yaml = yaml();
        Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return new Document(yaml, new JsonObject(tree).encodePrettily());
    }
}
