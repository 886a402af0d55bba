package org.fbs.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The copy of a kickstart (or kiwi description) that is staged and served beside the images, without its
 * passwords: the image was built from the full text, but whoever downloads the files must not learn the root
 * password. Replaced by {@code ***}: {@code rootpw} and {@code sshpw} passwords, every {@code --password} and
 * {@code --wpakey} value (user, bootloader, network), passwords in URLs, and kiwi's {@code password="..."}.
 * Option names follow pykickstart's handlers (commands/rootpw.py, sshpw.py, user.py, bootloader.py, network.py).
 */
public final class KickstartRedaction {

    public static final String HIDDEN = "***";
    /** Commands whose password is their one positional argument. */
    private static final Set<String> POSITIONAL_PASSWORD = Set.of("rootpw", "sshpw");
    /** Options of those commands that take a value as the next word. */
    private static final Set<String> VALUE_OPTIONS = Set.of("--username");
    private static final Set<String> SECRET_OPTIONS = Set.of("--password", "--wpakey");
    private static final Pattern KIWI_PASSWORD = Pattern.compile("(\\bpassword\\s*=\\s*)(\"[^\"]*\"|'[^']*')");

    private KickstartRedaction() {
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            lines[i] = line(lines[i]);
        }
        return KIWI_PASSWORD.matcher(Secrets.mask(String.join("\n", lines))).replaceAll("$1\"" + HIDDEN + "\"");
    }

    private static String line(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return line;
        }
        String[] words = trimmed.split("\\s+");
        boolean positional = POSITIONAL_PASSWORD.contains(words[0]);
        boolean changed = false;
        List<String> out = new ArrayList<>(List.of(words));
        for (int i = 1; i < out.size(); i++) {
            String word = out.get(i);
            int eq = word.indexOf('=');
            String option = eq < 0 ? word : word.substring(0, eq);
            if (SECRET_OPTIONS.contains(option)) {
                if (eq >= 0) {
                    out.set(i, option + "=" + HIDDEN);
                } else if (i + 1 < out.size()) {
                    out.set(++i, HIDDEN);
                }
                changed = true;
            } else if (word.startsWith("--")) {
                if (eq < 0 && VALUE_OPTIONS.contains(word)) {
                    i++;
                }
            } else if (positional) {
                out.set(i, HIDDEN);
                changed = true;
            }
        }
        if (!changed) {
            return line;
        }
        return line.substring(0, line.indexOf(trimmed)) + String.join(" ", out);
    }
}
