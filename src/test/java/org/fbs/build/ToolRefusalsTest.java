package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Stream;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the image tools themselves would refuse in a well-formed spec, refused at submit (issue 14) by
 * {@link ImageKinds#check}: the spec's format passes {@link SpecParser}, the tool's rules do not.
 */
class ToolRefusalsTest {

    private static final String KS_URL = "config=https://example.org/ks/fedora.ks";
    static final String MIRROR_ONLY = "[boot] 41_url: required: lorax needs a base URL of the release repository"
        + " (lorax -s); a mirror list alone (41_mirror) is refused (\"--source, --repo, or both are required.\")";
    static final String NOT_ALNUM = "[dvd] flavor: only letters and digits (pungi: \"Variant must be alphanumeric\")";
    private static final String UNSTAGEABLE = "which cannot be staged (a file name takes letters, digits, dots,"
        + " dashes, underscores and plus signs, not starting with a dot)";

    private static String boot(String... lines) {
        return "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n[boot]\n" + String.join("\n", lines) + "\n";
    }

    private static String dvd(String... lines) {
        return "[DEFAULT]\ntype=dvd\narch=x86_64\nrelease=41\n[dvd]\n" + String.join("\n", lines) + "\n";
    }

    private static String live(String... lines) {
        return "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n[live]\n" + String.join("\n", lines) + "\n";
    }

    static Stream<Arguments> refused() {
        return Stream.of(
            Arguments.of(boot("41_mirror=https://example.org/m"), List.of(MIRROR_ONLY)),
            Arguments.of(boot("41_mirror=https://example.org/m", "updates=1",
                "41-updates_mirror=https://example.org/u"), List.of(MIRROR_ONLY)),
            Arguments.of(boot("41_mirror=https://example.org/m").replace("x86_64", "i686"), List.of(MIRROR_ONLY)),
            Arguments.of(dvd("flavor=Server-Edition", KS_URL), List.of(NOT_ALNUM)),
            Arguments.of(dvd("flavor=Server.1", KS_URL), List.of(NOT_ALNUM)),
            Arguments.of(dvd("flavor=Server_1", KS_URL), List.of(NOT_ALNUM)),
            Arguments.of(dvd("name=Fedora Server", KS_URL), List.of("[dvd] name: pungi would name the DVD"
                + " 'Fedora Server-41-x86_64-DVD.iso', " + UNSTAGEABLE)),
            Arguments.of(dvd("name=.Fedora", "flavor=Server-1", KS_URL), List.of(NOT_ALNUM, "[dvd] name: pungi would"
                + " name the DVD '.Fedora-Server-1-41-x86_64-DVD.iso', " + UNSTAGEABLE)),
            Arguments.of(live("product=.hidden", KS_URL), List.of("[live] product: the ISO would be named"
                + " '.hidden-Live-x86_64-41.iso', " + UNSTAGEABLE)));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void aWellFormedSpecTheToolWouldRefuseIsRefusedWithExactErrors(String ini, List<String> expected)
        throws SpecException {
        var spec = SpecParser.fromIni(ini);

        SpecException refused = catchThrowableOfType(SpecException.class, () -> ImageKinds.check(spec));

        assertThat(refused).as("refused:\n" + ini).isNotNull();
        assertThat(refused.errors()).containsExactlyElementsOf(expected);
    }

    /** The 2012 live title, an alphanumeric flavor and a mirror beside a URL are what the tools take. */
    @Test
    void whatTheToolsTakePasses() {
        for (String ini : List.of(live("title=Fedora Live", KS_URL), dvd("flavor=Server41", KS_URL),
            boot("41_url=https://example.org/41/", "41_mirror=https://example.org/m"))) {
            assertThatCode(() -> ImageKinds.check(SpecParser.fromIni(ini))).as(ini).doesNotThrowAnyException();
        }
    }
}
