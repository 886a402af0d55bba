package org.fbs.config;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpAndRetentionSettingsTest {

    private static SmtpSettings smtp(JsonObject smtp) {
        return FbsConfig.from(new JsonObject().put("master", new JsonObject().put("smtp", smtp))).master().smtp();
    }

    private static Duration retention(Object value) {
        return FbsConfig.from(new JsonObject().put("worker", new JsonObject().put("retention", value))).worker()
            .retention();
    }

    @Test
    void withoutAHostNoSmtpServerIsConfigured() {
        SmtpSettings none = smtp(new JsonObject());

        assertThat(none.configured()).isFalse();
        assertThat(none.port()).isEqualTo(25);
        assertThat(none.starttls()).isEqualTo("optional");
    }

    @Test
    void everyKeyIsReadAndThePasswordNeverShowsInText() {
        SmtpSettings s = smtp(new JsonObject().put("host", "smtp.example.org").put("port", 587)
            .put("starttls", "required").put("login", "fbs").put("password", "mail-secret")
            .put("from", "fbs@example.org"));

        assertThat(s).extracting(SmtpSettings::host, SmtpSettings::port, SmtpSettings::starttls, SmtpSettings::login,
            SmtpSettings::password, SmtpSettings::from)
            .containsExactly("smtp.example.org", 587, "required", "fbs", "mail-secret", "fbs@example.org");
        assertThat(s.toString()).doesNotContain("mail-secret").contains("password=***");
        assertThat(FbsConfig.from(new JsonObject().put("master", new JsonObject().put("smtp", new JsonObject()
            .put("password", "mail-secret")))).toString()).doesNotContain("mail-secret");
    }

    @ParameterizedTest
    @CsvSource({"starttls, sometimes, master.smtp.starttls", "from, 'a@b\r\nBcc: c@d', master.smtp.from",
        "port, 0, master.smtp.port"})
    void badValuesAreRefusedNamingTheKey(String key, String value, String named) {
        assertThatThrownBy(() -> smtp(new JsonObject().put(key, value)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(named);
    }

    @ParameterizedTest
    @CsvSource({"7d, PT168H", "36h, PT36H", "90m, PT1H30M", "45s, PT45S"})
    void retentionIsANumberAndAUnit(String value, String expected) {
        assertThat(retention(value)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void theShippedConfigFileSaysWhatTheDefaultsAre() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            FbsConfig shipped = await(FbsConfig.load(vertx, Path.of("conf/fbs.yaml")));
            FbsConfig defaults = FbsConfig.from(new JsonObject());
            assertThat(shipped.master().smtp()).isEqualTo(defaults.master().smtp());
            assertThat(shipped.worker().retention()).isEqualTo(defaults.worker().retention());
        } finally {
            vertx.close();
        }
    }

    @Test
    void retentionIsSevenDaysByDefault() {
        assertThat(FbsConfig.from(new JsonObject()).worker().retention()).isEqualTo(Duration.ofDays(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "0d", "-1d", "a week", "7w"})
    void aBadRetentionIsRefusedNamingTheKey(String value) {
        assertThatThrownBy(() -> retention(value))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("worker.retention");
    }
}
