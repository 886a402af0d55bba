package org.fbs.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Where the client commands find the master and what token they send: {@code --url}, then the environment
 * ({@code FBS_URL}, {@code FBS_TOKEN}), then {@code $XDG_CONFIG_HOME/fbs/client.yaml} ({@code ~/.config} when unset)
 * with {@code url:} and {@code token:}, then http://127.0.0.1:5000 and no token.
 *
 * @param url      the master's base URL, without a trailing slash
 * @param token    the bearer token, or null
 * @param warnings what the user should fix but need not (a token file others can read, an unknown key)
 */
public record ClientConfig(String url, String token, List<String> warnings) {

    public static final String DEFAULT_URL = "http://127.0.0.1:5000";
    private static final Set<String> KEYS = Set.of("url", "token");

    /** A setting that cannot be used; the message names where it came from. */
    public static final class ConfigException extends Exception {
        ConfigException(String message) {
            super(message);
        }
    }

    public ClientConfig {
        warnings = List.copyOf(warnings);
    }

    /** Never the token: this may end up in a message. */
    @Override
    public String toString() {
        return "ClientConfig[url=" + url + ", token=" + (token == null ? "none" : "***") + "]";
    }

    /**
     * @param urlOption the {@code --url} option, or null
     * @param env       the environment (FBS_URL, FBS_TOKEN, XDG_CONFIG_HOME, HOME)
     */
    public static ClientConfig resolve(String urlOption, Map<String, String> env) throws ConfigException {
        Path file = file(env);
        List<String> warnings = new ArrayList<>();
        Map<String, String> fromFile = read(file, warnings);
        String url = DEFAULT_URL;
        String urlSource = "the default";
        if (fromFile.get("url") != null) {
            url = fromFile.get("url");
            urlSource = file + ": url";
        }
        if (present(env.get("FBS_URL"))) {
            url = env.get("FBS_URL").strip();
            urlSource = "FBS_URL";
        }
        if (urlOption != null) {
            url = urlOption.strip();
            urlSource = "--url";
        }
        String token = present(env.get("FBS_TOKEN")) ? env.get("FBS_TOKEN").strip() : fromFile.get("token");
        return new ClientConfig(checkedUrl(url, urlSource), token, warnings);
    }

    /** {@code $XDG_CONFIG_HOME/fbs/client.yaml}, or {@code $HOME/.config/fbs/client.yaml}. */
    static Path file(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        // The XDG spec: a relative XDG_CONFIG_HOME is invalid and is ignored.
        if (present(xdg) && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "fbs", "client.yaml");
        }
        String home = present(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home");
        return Path.of(home, ".config", "fbs", "client.yaml");
    }

    private static Map<String, String> read(Path file, List<String> warnings) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Object tree;
        try {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            // The parser's message quotes the line, which may hold the token: say where, not what.
            throw new ConfigException(file + ": not valid YAML" + where(e));
        }
        if (tree == null) {
            return Map.of();
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new ConfigException(file + ": expected keys url: and token:");
        }
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!KEYS.contains(key)) {
                warnings.add(file + ": unknown key '" + key + "' (known: url, token)");
                continue;
            }
            if (entry.getValue() == null) {
                continue;
            }
            if (!(entry.getValue() instanceof String value)) {
                throw new ConfigException(file + ": " + key + ": expected a string");
            }
            if (present(value)) {
                values.put(key, value.strip());
            }
        }
        if (values.containsKey("token")) {
            String mode = broaderThanOwner(file);
            if (mode != null) {
                warnings.add(file + " holds your token but others may read it (" + mode + "): chmod 600 " + file);
            }
        }
        return values;
    }

    /** The file's permissions when group or others have any, else null (also where POSIX modes do not exist). */
    private static String broaderThanOwner(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            boolean shared = perms.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
            return shared ? PosixFilePermissions.toString(perms) : null;
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }

    private static String where(YAMLException e) {
        if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return " (line " + (marked.getProblemMark().getLine() + 1) + ")";
        }
        return "";
    }

    private static String checkedUrl(String url, String source) throws ConfigException {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        // A URL with user info may hold a password: it is not repeated.
        throw new ConfigException(source + ": expected the master's http or https URL, like " + DEFAULT_URL
            + (url.contains("@") ? "" : ", not '" + url + "'"));
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
