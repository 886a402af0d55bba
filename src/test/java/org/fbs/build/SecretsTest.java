package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void passwordsInUrlsAreMaskedAndEverythingElseIsKept() {
        assertThat(Secrets.mask("http://qa:s3cr%40t@proxy.example.org:3128")).isEqualTo("http://qa:***@proxy.example.org:3128");
        assertThat(Secrets.mask("ftp://anon@host/pub")).isEqualTo("ftp://anon@host/pub");
        assertThat(Secrets.mask("https://dl.fedoraproject.org/pub/fedora/linux/releases/41/"))
            .isEqualTo("https://dl.fedoraproject.org/pub/fedora/linux/releases/41/");
        assertThat(Secrets.mask("see ftp://u:p@a/x and http://v:q@b/y")).isEqualTo("see ftp://u:***@a/x and http://v:***@b/y");
        assertThat(Secrets.mask(null)).isNull();
    }

    @Test
    void aMaskedSpecShowsWhetherItHadAPasswordAnywhere() {
        JsonObject plain = new JsonObject().put("staging", "ftp://anon@host/pub")
            .put("repos", new JsonArray().add("https://dl.fedoraproject.org/pub/"));
        JsonObject deep = plain.copy().put("repos", new JsonArray().add("http://qa:s3cret@mirror.example.org/f41/"));

        assertThat(Secrets.hidesAny(Secrets.maskJson(plain))).isFalse();
        assertThat(Secrets.hidesAny(Secrets.maskJson(deep))).isTrue();
        assertThat(Secrets.hidesAny(null)).isFalse();
    }
}
