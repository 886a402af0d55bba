package org.fbs.master;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fbs.testkit.MasterSettingsBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.fbs.config.MasterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterRoleTest {

    @Test
    void withoutLoginTheMasterRefusesToListenBeyondLoopbackAndOpensNothing(@TempDir Path data) throws Exception {
        MasterSettings open = MasterSettingsBuilder.master(data.resolve("db")).httpHost("0.0.0.0").build();
        Vertx vertx = Vertx.vertx();
        try {
            assertThatThrownBy(() -> await(MasterRole.deploy(vertx, open)))
                .hasMessageContaining("master.http.host is 0.0.0.0")
                .hasMessageContaining("loopback only");
            assertThat(data.resolve("db")).doesNotExist();
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void loopbackNamesAreLoopback() {
        assertThat(MasterRole.isLoopback("127.0.0.1")).isTrue();
        assertThat(MasterRole.isLoopback("::1")).isTrue();
        assertThat(MasterRole.isLoopback("localhost")).isTrue();
        assertThat(MasterRole.isLoopback("0.0.0.0")).isFalse();
        assertThat(MasterRole.isLoopback("no-such-host.invalid")).isFalse();
    }
}
