package org.fbs.testkit;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.fbs.config.FbsConfig;
import org.fbs.config.MasterSettings;

/**
 * {@link MasterSettings} for tests, read by the production parser from the {@code master:} section a test would
 * write in fbs.yaml: every default and every check is the one operators get. The master keeps its data in the
 * test's folder and listens on 127.0.0.1 (port 5000 unless the test says: tests that start it give a free one).
 */
public final class MasterSettingsBuilder {

    private final JsonObject master = new JsonObject();
    private final JsonObject http = new JsonObject();

    private MasterSettingsBuilder(Path dataDir) {
        master.put("data-dir", dataDir.toString());
    }

    /** A master that keeps its data in {@code dataDir}. */
    public static MasterSettingsBuilder master(Path dataDir) {
        return new MasterSettingsBuilder(dataDir);
    }

    /** {@code master.http.host}. */
    public MasterSettingsBuilder httpHost(String value) {
        http.put("host", value);
        return this;
    }

    /** {@code master.http.port}. */
    public MasterSettingsBuilder httpPort(int value) {
        http.put("port", value);
        return this;
    }

    /** {@code master.public-url}. */
    public MasterSettingsBuilder publicUrl(String value) {
        master.put("public-url", value);
        return this;
    }

    /** {@code master.smtp}. */
    public MasterSettingsBuilder smtp(JsonObject value) {
        master.put("smtp", value);
        return this;
    }

    /** {@code master.auth}: the provider ({@code oidc}), admins, groups. */
    public MasterSettingsBuilder auth(JsonObject value) {
        master.put("auth", value);
        return this;
    }

    /** {@code master.auth.oidc} alone. */
    public MasterSettingsBuilder oidc(JsonObject value) {
        return auth(new JsonObject().put("oidc", value));
    }

    /** Any other {@code master.KEY}, as the YAML would hold it (a string like "2MiB", a number, a section). */
    public MasterSettingsBuilder set(String key, Object value) {
        master.put(key, value);
        return this;
    }

    public MasterSettings build() {
        JsonObject section = master.copy();
        if (!http.isEmpty()) {
            section.put("http", http.copy());
        }
        return FbsConfig.from(new JsonObject().put("master", section)).master();
    }
}
