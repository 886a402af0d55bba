package org.fbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.fbs.cluster.LinkSigner;
import org.fbs.config.ClusterSettings;
import org.fbs.config.FbsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which secret signs the worker links: a master or worker alone in its process needs the cluster's file (its partner
 * runs elsewhere); a standalone node without one makes its own for the run.
 */
class MainLinkSecretTest {

    @TempDir
    Path dir;

    @Test
    void aClusteredMasterOrWorkerWithoutTheSecretFileDoesNotStart() {
        ClusterSettings none = FbsConfig.from(new JsonObject()).cluster();
        for (Main.Role role : new Main.Role[] {Main.Role.master, Main.Role.worker}) {
            assertThatThrownBy(() -> Main.linkSigner(role, none)).as(role.name())
                .hasMessageStartingWith("cluster.secret-file: required for a " + role)
                .hasMessageContaining("fbs cluster keys DIR");
        }
        assertThat(Main.linkSigner(Main.Role.standalone, none)).isSameAs(LinkSigner.perProcess());
    }

    @Test
    void theSecretFileIsReadWhenGiven() throws Exception {
        Path secret = dir.resolve("cluster-secret");
        Files.write(secret, LinkSigner.newSecret());
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        ClusterSettings settings = FbsConfig.from(new JsonObject().put("cluster", new JsonObject()
            .put("secret-file", secret.toString()).put("link-lifetime", "14d"))).cluster();
        assertThat(settings.linkLifetime()).hasDays(14);
        LinkSigner worker = Main.linkSigner(Main.Role.worker, settings);
        LinkSigner master = Main.linkSigner(Main.Role.master, settings);
        assertThat(worker.sign("a link")).isEqualTo(master.sign("a link"));
    }
}
