package org.fbs.config;

import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FbsConfigTest {

    private static Vertx vertx;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        await(vertx.close());
    }

    private static FbsConfig load(Path file) throws Exception {
        return await(FbsConfig.load(vertx, file));
    }

    private FbsConfig loadYaml(String yaml) throws Exception {
        return load(Files.writeString(tmp.resolve("fbs.yaml"), yaml));
    }

    /** The host's arch the way Fedora names it, worked out independently of HostFacts. */
    private static String fedoraHostArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> arch;
        };
    }

    @Test
    void withoutAFileTheDefaultsApply() throws Exception {
        FbsConfig config = load(null);

        assertThat(config.master().httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.master().httpPort()).isEqualTo(5000);
        assertThat(config.master().publicUrl()).isEqualTo("http://127.0.0.1:5000");
        assertThat(config.worker().httpPort()).isEqualTo(5100);
        assertThat(config.worker().slots()).isEqualTo(1);
        assertThat(config.worker().tool("lorax")).isEqualTo("/usr/sbin/lorax");
        assertThat(config.worker().arches()).containsExactly(fedoraHostArch());
        assertThat(config.worker().koji()).isEqualTo(new KojiSettings(URI.create("https://koji.fedoraproject.org/kojihub"),
            URI.create("https://kojipkgs.fedoraproject.org/"), 4, 10L * 1024 * 1024 * 1024));
        assertThat(config.cluster().name()).isEqualTo("fbs");
        assertThat(config.cluster().members()).isEmpty();
    }

    @Test
    void theHostArchIsNamedTheFedoraWay() {
        String saved = System.getProperty("os.arch");
        try {
            System.setProperty("os.arch", "amd64");
            assertThat(WorkerSettings.HostFacts.arch()).isEqualTo("x86_64");
            System.setProperty("os.arch", "aarch64");
            assertThat(WorkerSettings.HostFacts.arch()).isEqualTo("aarch64");
        } finally {
            System.setProperty("os.arch", saved);
        }
    }

    @Test
    void aYamlFileSetsNestedKeys() throws Exception {
        FbsConfig config = loadYaml("""
            cluster:
              name: test-cluster
              members:
                - 10.0.0.1:5701
                - 10.0.0.2
            master:
              http:
                port: 8080
              public-url: https://fbs.example.org/
            worker:
              slots: 3
              arches: [x86_64, aarch64]
              tools:
                lorax: /opt/standins/lorax
            """);

        assertThat(config.cluster().name()).isEqualTo("test-cluster");
        assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2");
        assertThat(config.master().httpPort()).isEqualTo(8080);
        assertThat(config.master().publicUrl()).isEqualTo("https://fbs.example.org");
        assertThat(config.worker().slots()).isEqualTo(3);
        assertThat(config.worker().arches()).containsExactly("x86_64", "aarch64");
        assertThat(config.worker().tool("lorax")).isEqualTo("/opt/standins/lorax");
        assertThat(config.worker().httpPort()).isEqualTo(5100);
    }

    @Test
    void kojiSettingsAreReadWithSizesInBinaryUnits() throws Exception {
        FbsConfig config = loadYaml("""
            worker:
              koji:
                hub: http://koji.example.org/kojihub
                topurl: http://pkgs.example.org/kojifiles
                parallel: 8
                cache-size: 500 MiB
            """);

        assertThat(config.worker().koji()).isEqualTo(new KojiSettings(URI.create("http://koji.example.org/kojihub"),
            URI.create("http://pkgs.example.org/kojifiles/"), 8, 500L * 1024 * 1024));
        assertThat(load(Path.of("conf/fbs.yaml")).worker().koji()).as("the shipped file shows the defaults")
            .isEqualTo(KojiSettings.DEFAULTS);
        assertThat(loadYaml("worker:\n  koji:\n    cache-size: 2G\n").worker().koji().cacheBytes())
            .isEqualTo(2L << 30);
        assertThat(loadYaml("worker:\n  koji:\n    cache-size: 4096\n").worker().koji().cacheBytes())
            .isEqualTo(4096);
    }

    @Test
    void theBuildTimeoutAndTheKeptFailedWorkDirsHaveDefaultsAndTakeUnits() throws Exception {
        FbsConfig defaults = load(null);
        FbsConfig set = loadYaml("worker:\n  build-timeout: 90m\n  keep-failed-workdirs: 0\n");
        FbsConfig days = loadYaml("worker:\n  build-timeout: 2d\n");

        assertThat(defaults.worker().buildTimeout()).isEqualTo(Duration.ofHours(6));
        assertThat(defaults.worker().keepFailedWorkdirs()).isEqualTo(3);
        assertThat(defaults.worker().tool("pungi")).isEqualTo("/usr/bin/pungi");
        assertThat(set.worker().buildTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(set.worker().keepFailedWorkdirs()).isZero();
        assertThat(days.worker().buildTimeout()).isEqualTo(Duration.ofDays(2));
        for (String bad : List.of("6 hours", "0h", "-1h", "6", "PT6H")) {
            assertThatThrownBy(() -> FbsConfig.from(new JsonObject().put("worker",
                new JsonObject().put("build-timeout", bad))))
                .as(bad).hasMessage("worker.build-timeout: expected a positive duration such as 90s, 30m, 6h or 2d,"
                    + " got '" + bad + "'");
        }
    }

    @Test
    void withoutAnIssuerNobodyLogsIn() throws Exception {
        AuthSettings auth = load(null).master().auth();

        assertThat(auth.loginEnabled()).isFalse();
        assertThat(auth.scopes()).containsExactly("openid", "email", "profile",
            "https://id.fedoraproject.org/scope/groups");
        assertThat(auth.admins()).isEmpty();
        assertThat(auth.adminGroup()).isNull();
        assertThat(auth.secureCookies()).as("the default public URL is http").isFalse();
        assertThat(load(Path.of("conf/fbs.yaml")).master().auth()).as("the shipped file shows the defaults")
            .isEqualTo(auth);
    }

    @Test
    void theLoginSettingsAreReadAndTheSecretIsNeverShown() throws Exception {
        FbsConfig config = loadYaml("""
            master:
              public-url: https://fbs.example.org
              auth:
                oidc:
                  issuer: https://id.fedoraproject.org/openidc
                  client-id: fbs
                  client-secret: hunter2-very-secret
                  scopes: [openid, email]
                admin-group: fbs-admins
                admins: [alice, bob]
            """);
        AuthSettings auth = config.master().auth();

        assertThat(auth.loginEnabled()).isTrue();
        assertThat(auth.issuer()).isEqualTo(URI.create("https://id.fedoraproject.org/openidc"));
        assertThat(auth.clientId()).isEqualTo("fbs");
        assertThat(auth.clientSecret()).isEqualTo("hunter2-very-secret");
        assertThat(auth.scopes()).containsExactly("openid", "email");
        assertThat(auth.adminGroup()).isEqualTo("fbs-admins");
        assertThat(auth.admins()).containsExactly("alice", "bob");
        assertThat(auth.secureCookies()).as("public-url is https").isTrue();
        assertThat(auth.usernameClaims()).containsExactly("preferred_username", "username", "sub");
        assertThat(auth.groupsClaim()).isEqualTo("groups");
        AuthSettings named = loadYaml("master:\n  auth:\n    oidc:\n      username-claims: [nickname, sub]\n"
            + "      groups-claim: roles\n").master().auth();
        assertThat(named.usernameClaims()).containsExactly("nickname", "sub");
        assertThat(named.groupsClaim()).isEqualTo("roles");
        assertThat(auth.toString()).contains("clientSecret=***").doesNotContain("hunter2");
        assertThat(config.master().toString()).doesNotContain("hunter2");
        assertThat(loadYaml("master:\n  public-url: https://x.example\n  auth:\n    secure-cookies: false\n")
            .master().auth().secureCookies()).isFalse();
        assertThat(loadYaml("master:\n  auth:\n    oidc:\n      issuer: http://localhost:8080/default\n"
            + "      client-id: a\n      client-secret: b\n").master().auth().loginEnabled())
            .as("plain http to a provider on this machine").isTrue();
    }

    @Test
    void clusterMembersMayBeOneCommaSeparatedString() throws Exception {
        FbsConfig config = loadYaml("""
            cluster:
              members: "10.0.0.1:5701, 10.0.0.2:5702,,"
            """);

        assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5702");
    }

    @Test
    void aMissingConfigFileFailsNamingTheFile() {
        Path missing = tmp.resolve("nope/fbs.yaml");

        assertThatThrownBy(() -> load(missing))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(missing.toString());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
            Arguments.of("worker:\n  slots: 0\n", "worker.slots", "must be between 1 and 1024"),
            Arguments.of("worker:\n  slots: abc\n", "worker.slots", "expected a whole number, got 'abc'"),
            Arguments.of("master:\n  http:\n    port: 99999\n", "master.http.port", "must be between 0 and 65535"),
            Arguments.of("cluster:\n  port: -1\n", "cluster.port", "must be between 0 and 65535"),
            Arguments.of("worker:\n  arches: {a: b}\n", "worker.arches", "expected a list"),
            Arguments.of("worker:\n  koji:\n    hub: koji.example.org\n", "worker.koji.hub",
                "expected an http:// or https:// URL, got 'koji.example.org'"),
            Arguments.of("worker:\n  koji:\n    topurl: ftp://x/\n", "worker.koji.topurl",
                "expected an http:// or https:// URL, got 'ftp://x/'"),
            Arguments.of("worker:\n  koji:\n    parallel: 0\n", "worker.koji.parallel", "must be between 1 and 64"),
            Arguments.of("worker:\n  koji:\n    cache-size: lots\n", "worker.koji.cache-size",
                "expected a size such as 10GiB or 500MiB, got 'lots'"),
            Arguments.of("worker:\n  koji: yes\n", "worker.koji", "expected a mapping"),
            Arguments.of("master:\n  auth:\n    oidc:\n      issuer: id.fedoraproject.org\n",
                "master.auth.oidc.issuer", "expected an http:// or https:// URL, got 'id.fedoraproject.org'"),
            Arguments.of("master:\n  auth:\n    oidc:\n      issuer: http://id.example.org/\n",
                "master.auth.oidc.issuer", "expected an https:// URL (http:// only on loopback), got "
                    + "'http://id.example.org/'"),
            Arguments.of("master:\n  auth:\n    oidc:\n      issuer: https://id.example.org/\n",
                "master.auth.oidc.client-id", "required when master.auth.oidc.issuer is set"),
            Arguments.of("master:\n  auth:\n    oidc:\n      issuer: https://id.example.org/\n"
                + "      client-id: fbs\n", "master.auth.oidc.client-secret",
                "required when master.auth.oidc.issuer is set"),
            Arguments.of("master:\n  auth:\n    oidc:\n      scopes: [email]\n", "master.auth.oidc.scopes",
                "must include openid, got [email]"),
            Arguments.of("master:\n  auth:\n    secure-cookies: maybe\n", "master.auth.secure-cookies",
                "expected true or false, got 'maybe'"),
            Arguments.of("master:\n  auth:\n    admins: {a: b}\n", "master.auth.admins", "expected a list"),
            Arguments.of("master:\n  auth:\n    oidc:\n      username-claims: []\n",
                "master.auth.oidc.username-claims",
                "expected a list of claim names such as [preferred_username, email, sub], got []"),
            Arguments.of("master:\n  auth:\n    oidc:\n      username-claims: [\"a b\"]\n",
                "master.auth.oidc.username-claims",
                "expected a list of claim names such as [preferred_username, email, sub], got [a b]"),
            Arguments.of("master:\n  auth:\n    oidc:\n      groups-claim: \"<x>\"\n",
                "master.auth.oidc.groups-claim", "expected a claim name such as groups, got '<x>'"),
            Arguments.of("master:\n  auth: on\n", "master.auth", "expected a mapping"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueFailsNamingTheFileAndTheFullKey(String yaml, String key, String reason) {
        assertThatThrownBy(() -> loadYaml(yaml))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(tmp.resolve("fbs.yaml") + ": " + key + ": " + reason);
    }

    @Test
    void theReleaseOfFedora41Is41() throws Exception {
        Path osRelease = Files.writeString(tmp.resolve("os-release"), """
            NAME="Fedora Linux"
            VERSION="41 (Workstation Edition)"
            ID=fedora
            VERSION_ID=41
            PRETTY_NAME="Fedora Linux 41 (Workstation Edition)"
            REDHAT_SUPPORT_PRODUCT="Fedora"
            REDHAT_SUPPORT_PRODUCT_VERSION=41
            """);

        assertThat(WorkerSettings.HostFacts.release(osRelease)).isEqualTo("41");
    }

    @Test
    void theReleaseOfRawhideIsRawhideDespiteItsVersionId() throws Exception {
        Path osRelease = Files.writeString(tmp.resolve("os-release"), """
            NAME="Fedora Linux"
            VERSION="43 (Container Image Prerelease)"
            ID=fedora
            VERSION_ID=43
            REDHAT_BUGZILLA_PRODUCT_VERSION=rawhide
            REDHAT_SUPPORT_PRODUCT_VERSION=rawhide
            """);

        assertThat(WorkerSettings.HostFacts.release(osRelease)).isEqualTo("rawhide");
    }

    @Test
    void withoutAnOsReleaseFileTheReleaseIsRawhide() {
        assertThat(WorkerSettings.HostFacts.release(tmp.resolve("missing"))).isEqualTo("rawhide");
    }

    @Test
    void anEmptyToolPathIsRefusedByItsKey() {
        JsonObject json = new JsonObject().put("worker", new JsonObject()
            .put("tools", new JsonObject().putNull("lorax")));

        assertThatThrownBy(() -> FbsConfig.from(json))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("worker.tools.lorax: expected a program path");
    }

    @Test
    void aWorkerOnEveryAddressWithoutAPublicUrlIsRefusedRatherThanAnnouncingAGuess() {
        for (String wildcard : List.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0")) {
            JsonObject json = new JsonObject().put("worker", new JsonObject()
                .put("http", new JsonObject().put("host", wildcard).put("port", 5100)));
            assertThatThrownBy(() -> FbsConfig.from(json)).as(wildcard)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("worker.http.host: " + wildcard + " listens on every address")
                .hasMessageContaining("set worker.public-url");
        }
        JsonObject named = new JsonObject().put("worker", new JsonObject()
            .put("http", new JsonObject().put("host", "0.0.0.0").put("port", 5100))
            .put("public-url", "http://builder-01.example.org:5100/"));
        assertThat(FbsConfig.from(named).worker().publicUrl()).isEqualTo("http://builder-01.example.org:5100");
        JsonObject oneAddress = new JsonObject().put("worker", new JsonObject()
            .put("http", new JsonObject().put("host", "10.0.0.7").put("port", 5100)));
        assertThat(FbsConfig.from(oneAddress).worker().publicUrl()).isEqualTo("http://10.0.0.7:5100");
    }

    @Test
    void theEventBusHasAFixedPortOfItsOwnForFirewalls() {
        assertThat(FbsConfig.from(new JsonObject()).cluster().eventBusPort()).isEqualTo(5730);
        assertThat(FbsConfig.from(new JsonObject().put("cluster", new JsonObject().put("event-bus-port", 5802)))
            .cluster().eventBusPort()).isEqualTo(5802);
        assertThatThrownBy(() -> FbsConfig.from(new JsonObject().put("cluster",
                new JsonObject().put("port", 5801).put("event-bus-port", 5801))))
            .hasMessage("cluster.event-bus-port: is cluster.port (5801, Hazelcast's): give the event bus a port of its "
                + "own");
        assertThatThrownBy(() -> FbsConfig.from(new JsonObject().put("cluster",
                new JsonObject().put("event-bus-port", 70000))))
            .hasMessage("cluster.event-bus-port: must be between 0 and 65535");
    }

    @Test
    void brokenYamlFailsNamingTheFile() {
        assertThatThrownBy(() -> loadYaml("worker: [\n"))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(tmp.resolve("fbs.yaml") + ": ");
    }
}
