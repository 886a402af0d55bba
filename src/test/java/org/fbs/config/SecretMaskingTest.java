package org.fbs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A whole configuration printed (a log line, a debug dump) shows no password or client secret. */
class SecretMaskingTest {

    @Test
    void theConfigsTextHasNoSecret() {
        FbsConfig config = FbsConfig.from(new JsonObject()
            .put("cluster", new JsonObject().put("tls", new JsonObject().put("enabled", true)
                .put("key-store", "/etc/fbs/k.p12").put("key-store-password", "Secret-Key-1")
                .put("trust-store", "/etc/fbs/t.p12").put("trust-store-password", "Secret-Trust-2")))
            .put("master", new JsonObject()
                .put("smtp", new JsonObject().put("host", "smtp.example.org").put("login", "fbs")
                    .put("password", "Secret-Smtp-3"))
                .put("auth", new JsonObject().put("oidc", new JsonObject().put("client-id", "fbs")
                    .put("client-secret", "Secret-Oidc-4")))));

        String text = config.toString();

        assertThat(text).contains("smtp.example.org", "/etc/fbs/k.p12").doesNotContain("Secret-");
        assertThat(config.master().smtp().password()).isEqualTo("Secret-Smtp-3");
        assertThat(config.cluster().tls().trustStorePassword()).isEqualTo("Secret-Trust-2");
    }
}
