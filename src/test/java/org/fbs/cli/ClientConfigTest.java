package org.fbs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the client commands find the master and their token: --url, the environment, client.yaml, the default. */
class ClientConfigTest {

    @TempDir
    Path home;

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Path clientYaml(Path configHome, String text, String mode) throws Exception {
        Path file = Files.createDirectories(configHome.resolve("fbs")).resolve("client.yaml");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void withNothingSetItIsTheLocalMasterAndNoToken() throws Exception {
        ClientConfig config = ClientConfig.resolve(null, env());

        assertThat(config.url()).isEqualTo("http://127.0.0.1:5000");
        assertThat(config.token()).isNull();
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void theFileUnderHomeConfigGivesUrlAndToken() throws Exception {
        clientYaml(home.resolve(".config"), "url: https://fbs.example.org/\ntoken: s3cret\n", "rw-------");

        ClientConfig config = ClientConfig.resolve(null, env());

        assertThat(config.url()).isEqualTo("https://fbs.example.org");
        assertThat(config.token()).isEqualTo("s3cret");
        assertThat(config.warnings()).isEmpty();
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void xdgConfigHomeIsWhereTheFileIsWhenSetAndAbsolute() throws Exception {
        Path xdg = Files.createDirectories(home.resolve("xdg"));
        clientYaml(xdg, "url: http://xdg.example:5000\n", "rw-------");
        clientYaml(home.resolve(".config"), "url: http://home.example:5000\n", "rw-------");

        assertThat(ClientConfig.resolve(null, env("XDG_CONFIG_HOME", xdg.toString())).url())
            .isEqualTo("http://xdg.example:5000");
        // The XDG spec says a relative path is to be ignored.
        assertThat(ClientConfig.resolve(null, env("XDG_CONFIG_HOME", "xdg")).url())
            .isEqualTo("http://home.example:5000");
    }

    @Test
    void theEnvironmentWinsOverTheFileAndTheUrlOptionOverBoth() throws Exception {
        clientYaml(home.resolve(".config"), "url: http://file.example:5000\ntoken: from-file\n", "rw-------");

        ClientConfig fromEnv = ClientConfig.resolve(null, env("FBS_URL", "http://env.example:5000",
            "FBS_TOKEN", "from-env"));
        ClientConfig fromOption = ClientConfig.resolve("http://option.example:5000", env("FBS_URL",
            "http://env.example:5000"));
        ClientConfig blankEnv = ClientConfig.resolve(null, env("FBS_URL", " ", "FBS_TOKEN", ""));

        assertThat(fromEnv.url()).isEqualTo("http://env.example:5000");
        assertThat(fromEnv.token()).isEqualTo("from-env");
        assertThat(fromOption.url()).isEqualTo("http://option.example:5000");
        assertThat(fromOption.token()).isEqualTo("from-file");
        assertThat(blankEnv.url()).isEqualTo("http://file.example:5000");
        assertThat(blankEnv.token()).isEqualTo("from-file");
    }

    @Test
    void aTokenFileOthersMayReadIsUsedWithAWarning() throws Exception {
        Path file = clientYaml(home.resolve(".config"), "token: s3cret\n", "rw-r--r--");

        ClientConfig config = ClientConfig.resolve(null, env());

        assertThat(config.token()).isEqualTo("s3cret");
        assertThat(config.warnings()).containsExactly(file + " holds your token but others may read it (rw-r--r--):"
            + " chmod 600 " + file);
    }

    @Test
    void anUnknownKeyIsWarnedAbout() throws Exception {
        clientYaml(home.resolve(".config"), "url: http://a.example\ntokn: x\n", "rw-r--r--");

        assertThat(ClientConfig.resolve(null, env()).warnings()).singleElement().asString()
            .endsWith("unknown key 'tokn' (known: url, token)");
    }

    @Test
    void badSettingsAreErrorsNamingWhereTheyCameFromWithoutTheToken() throws Exception {
        Path file = clientYaml(home.resolve(".config"), "token: s3cret: [\n", "rw-------");
        assertThatThrownBy(() -> ClientConfig.resolve(null, env())).isInstanceOf(ClientConfig.ConfigException.class)
            .hasMessageStartingWith(file + ": not valid YAML (line 1)").message().doesNotContain("s3cret");

        clientYaml(home.resolve(".config"), "- url\n", "rw-------");
        assertThatThrownBy(() -> ClientConfig.resolve(null, env())).hasMessage(file + ": expected keys url: and token:");

        clientYaml(home.resolve(".config"), "url: 5000\n", "rw-------");
        assertThatThrownBy(() -> ClientConfig.resolve(null, env())).hasMessage(file + ": url: expected a string");

        clientYaml(home.resolve(".config"), "url: 127.0.0.1:5000\n", "rw-------");
        assertThatThrownBy(() -> ClientConfig.resolve(null, env())).hasMessage(file + ": url: expected the master's"
            + " http or https URL, like http://127.0.0.1:5000, not '127.0.0.1:5000'");

        assertThatThrownBy(() -> ClientConfig.resolve(null, env("FBS_URL", "ftp://x"))).hasMessageStartingWith(
            "FBS_URL: expected the master's http or https URL");
        assertThatThrownBy(() -> ClientConfig.resolve("http://me:pw@x", env())).hasMessage(
            "--url: expected the master's http or https URL, like http://127.0.0.1:5000");
    }
}
