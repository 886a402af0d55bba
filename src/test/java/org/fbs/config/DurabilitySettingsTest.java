package org.fbs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** worker.heartbeat-interval, master.worker-timeout and master.max-retries: defaults, values, and bad values. */
class DurabilitySettingsTest {

    static FbsConfig config(JsonObject master, JsonObject worker) {
        return FbsConfig.from(new JsonObject().put("master", master).put("worker", worker));
    }

    @Test
    void defaultsAreThreeSecondsTenSecondsAndTwoRetries() {
        FbsConfig config = config(new JsonObject(), new JsonObject());
        assertThat(config.worker().heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.master().workerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.master().maxRetries()).isEqualTo(2);
    }

    @Test
    void valuesAreRead() {
        FbsConfig config = config(new JsonObject().put("worker-timeout", "1m").put("max-retries", 0),
            new JsonObject().put("heartbeat-interval", "5s"));
        assertThat(config.worker().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.master().workerTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.master().maxRetries()).isZero();
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> config(new JsonObject().put("worker-timeout", "soon"), new JsonObject()))
            .hasMessageContaining("master.worker-timeout");
        assertThatThrownBy(() -> config(new JsonObject().put("max-retries", -1), new JsonObject()))
            .hasMessageContaining("master.max-retries");
        assertThatThrownBy(() -> config(new JsonObject(), new JsonObject().put("heartbeat-interval", "0s")))
            .hasMessageContaining("worker.heartbeat-interval");
    }
}
