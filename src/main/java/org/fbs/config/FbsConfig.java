package org.fbs.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/** A node's whole configuration: the YAML file (optional) over built-in defaults. */
public record FbsConfig(ClusterSettings cluster, MasterSettings master, WorkerSettings worker) {

    /** Reads {@code file} (YAML) with vertx-config; null means defaults only. */
    public static Future<FbsConfig> load(Vertx vertx, Path file) {
        if (file == null) {
            return Future.succeededFuture(from(new JsonObject()));
        }
        if (!Files.isRegularFile(file)) {
            return Future.failedFuture(new IllegalArgumentException("config file not found: " + file));
        }
        ConfigStoreOptions yaml = new ConfigStoreOptions()
            .setType("file")
            .setFormat("yaml")
            .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
        ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
            .setIncludeDefaultStores(false)
            .setScanPeriod(-1)
            .addStore(yaml));
        return retriever.getConfig()
            .eventually(retriever::close)
            .map(FbsConfig::from)
            .recover(err -> Future.failedFuture(new IllegalArgumentException(file + ": " + err.getMessage(), err)));
    }

    public static FbsConfig from(JsonObject json) {
        return new FbsConfig(
            ClusterSettings.from(section(json, "cluster")),
            MasterSettings.from(section(json, "master")),
            WorkerSettings.from(section(json, "worker")));
    }

    static JsonObject section(JsonObject json, String key) {
        Object value = json.getValue(key);
        if (value == null) {
            return new JsonObject();
        }
        if (value instanceof JsonObject object) {
            return object;
        }
        throw new IllegalArgumentException(key + ": expected a mapping");
    }
}
