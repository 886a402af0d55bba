package org.fbs.standins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the kiwi descriptions FBS's tests stage through the REAL kiwi's own validation (kiwi 9.24, Debian's
 * {@code kiwi} package, which .ci/run installs): {@code XMLDescription.load()} checks kiwi.rnc and the schematron
 * rules, {@code XMLState} then needs the profile and the iso type. The kiwi-ng stand-in checks only a few of those
 * rules, so this is where a description the real kiwi would refuse ({@code KiwiDescriptionInvalid}) is caught.
 * kiwi is found as {@code kiwi-ng} on the PATH and run with the interpreter its script names; without it this test
 * FAILS saying so (it is never skipped).
 */
class KiwiDescriptionsValidTest {

    /** Loads ARGV[1] as kiwi system build would, for profile ARGV[2] and type ARGV[3]; on failure says why. */
    private static final String VALIDATE = """
        import logging, sys
        logging.disable(logging.CRITICAL)  # kiwi logs every description it reads at debug level
        from kiwi.xml_description import XMLDescription
        from kiwi.xml_state import XMLState
        path, profile, build_type = sys.argv[1:4]
        try:
            description = XMLDescription(path)
            state = XMLState(description.load(), [profile], build_type)
        except Exception as error:
            print(type(error).__name__ + ": " + str(error))
            try:
                from lxml import etree, isoschematron
                from kiwi.defaults import Defaults
                converted = etree.parse(description.description)
                schema = etree.parse(Defaults.get_schema_file())
                relaxng = etree.RelaxNG(schema)
                if not relaxng.validate(converted):
                    for e in relaxng.error_log:
                        print("  schema: line %s: %s" % (e.line, e.message))
                rules = isoschematron.Schematron(schema, store_report=True)
                if not rules.validate(converted):
                    svrl = "{http://purl.oclc.org/dsdl/svrl}text"
                    for text in rules.validation_report.getroot().iter(svrl):
                        print("  schematron: " + text.text.strip())
            except Exception:
                pass
            sys.exit(1)
        print("valid: image %s version %s type %s" % (
            state.xml_data.get_name(), state.get_image_version(), state.get_build_type_name()))
        """;

    private static List<String> python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTheRealKiwi() throws IOException {
        Optional<Path> kiwi = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "kiwi-ng"))
            .filter(Files::isExecutable)
            .findFirst();
        if (kiwi.isEmpty()) {
            fail("the real kiwi-ng is not on the PATH: install Debian's kiwi package (apt-get install -y kiwi), as"
                + " .ci/run does; this test validates FBS's kiwi descriptions with kiwi's own code");
        }
        String shebang = Files.readAllLines(kiwi.get(), StandardCharsets.UTF_8).get(0);
        assertThat(shebang).as("%s starts with #!", kiwi.get()).startsWith("#!");
        python = new ArrayList<>(Arrays.asList(shebang.substring(2).trim().split("\\s+")));
    }

    record Outcome(int exitCode, String output) {
    }

    private Outcome validate(String description, String profile, String type) throws Exception {
        Path file = Files.writeString(dir.resolve("Fedora.kiwi"), description);
        List<String> command = new ArrayList<>(python);
        command.addAll(List.of("-c", VALIDATE, file.toString(), profile, type));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kiwi's validation did not finish within 120 s");
        }
        return new Outcome(p.exitValue(), output);
    }

    @Test
    void theDescriptionTheTestsStageIsValidForTheRealKiwi() throws Exception {
        Outcome o = validate(ToolFixtures.KIWI_DESCRIPTION, ToolFixtures.KIWI_PROFILE, "iso");

        assertThat(o.exitCode()).as("kiwi 9.24 refuses ToolFixtures.KIWI_DESCRIPTION:%n%s", o.output()).isZero();
        assertThat(o.output()).contains("valid: image " + ToolFixtures.KIWI_IMAGE + " version "
            + ToolFixtures.KIWI_VERSION + " type iso");
    }

    @Test
    void theDescriptionTheEndToEndTestUsedToStageIsRefusedByTheRealKiwi() throws Exception {
        // Issue 14's table: this was the end-to-end test's description until the stand-ins were made strict.
        String old = """
            <image schemaversion="7.4" name="Fedora-Live">
              <profiles><profile name="Workstation-Live" description="Fedora Workstation Live"/></profiles>
              <preferences profiles="Workstation-Live"><version>41.0</version><type image="iso"/></preferences>
            </image>
            """;

        Outcome o = validate(old, "Workstation-Live", "iso");

        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.output()).contains("KiwiDescriptionInvalid", "description");
    }

    @Test
    void aProfileOrTypeTheDescriptionLacksIsRefusedByTheRealKiwi() throws Exception {
        Outcome type = validate(ToolFixtures.KIWI_DESCRIPTION, ToolFixtures.KIWI_PROFILE, "oem");
        Outcome profile = validate(ToolFixtures.KIWI_DESCRIPTION, "KDE-Live", "iso");

        assertThat(type.exitCode()).isEqualTo(1);
        assertThat(type.output()).contains("KiwiTypeNotFound");
        assertThat(profile.exitCode()).isEqualTo(1);
        assertThat(profile.output()).contains("KiwiProfileNotFound");
    }
}
