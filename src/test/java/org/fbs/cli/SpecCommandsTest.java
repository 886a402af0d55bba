package org.fbs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fbs.Main;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.ImageType;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code fbs spec init} and {@code fbs spec check}, run through Main's command line as a user runs them. */
class SpecCommandsTest {

    @TempDir
    Path dir;

    /** Exit code, standard output and standard error of one command line. */
    record Run(int code, String out, String err) {
    }

    static Run fbs(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource({"boot,x86_64,rawhide", "boot,s390x,41", "dvd,aarch64,42", "live,x86_64,41", "live,ppc64le,rawhide",
        "dvd,i686,40"})
    void initPrintsACommentedSpecThatParses(String type, String arch, String release) throws Exception {
        Run run = fbs("spec", "init", "--type", type, "--arch", arch, "--release", release);

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("# FBS build spec").contains("\n# ").contains("[" + type + "]");
        BuildSpec spec = SpecParser.fromIni(run.out());
        assertThat(spec.type()).isEqualTo(ImageType.valueOf(type.toUpperCase()));
        assertThat(spec.arch()).isEqualTo(arch);
        assertThat(spec.release()).isEqualTo(release);
    }

    @Test
    void initDefaultsToX86_64Rawhide() throws Exception {
        BuildSpec spec = SpecParser.fromIni(fbs("spec", "init", "--type", "boot").out());

        assertThat(spec.arch()).isEqualTo("x86_64");
        assertThat(spec.release()).isEqualTo("rawhide");
    }

    @Test
    void initRefusesWhatWouldNotParse() {
        Run bad = fbs("spec", "init", "--type", "live", "--arch", "sparc", "--release", "f41");
        Run noTree = fbs("spec", "init", "--type", "boot", "--arch", "i686", "--release", "41");
        Run noType = fbs("spec", "init");

        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).isEqualTo("fbs spec init: [DEFAULT] arch: unknown arch 'sparc' (expected one of "
            + "x86_64, aarch64, i686, ppc64le, s390x, armhfp)\n"
            + "fbs spec init: [DEFAULT] release: expected a positive whole number or rawhide\n");
        assertThat(noTree.code()).isEqualTo(1);
        assertThat(noTree.err()).contains("[boot] 41_url: required for i686");
        assertThat(noType.code()).isEqualTo(2);
        assertThat(noType.err()).contains("Missing required option: '--type");
    }

    @Test
    void checkSaysOkWithExitCode0() throws Exception {
        Path ini = dir.resolve("live.conf");
        Files.writeString(ini, fbs("spec", "init", "--type", "live", "--release", "41").out());
        Path json = dir.resolve("boot.json");
        Files.writeString(json, "{\"type\": \"boot\", \"arch\": \"aarch64\", \"release\": 42}");

        assertThat(fbs("spec", "check", ini.toString())).isEqualTo(new Run(0, ini + ": ok, a live image for x86_64/41\n",
            ""));
        assertThat(fbs("spec", "check", json.toString()))
            .isEqualTo(new Run(0, json + ": ok, a boot image for aarch64/42\n", ""));
    }

    @Test
    void checkPrintsEveryErrorWithExitCode1() throws Exception {
        Path ini = dir.resolve("bad.conf");
        Files.writeString(ini, "[DEFAULT]\ntype=dvd\narch=x86\nrelease=41\nstaging=/tmp\n[dvd]\nstage=-Q\n"
            + "config=/home/me/dvd.ks\n");
        Path json = dir.resolve("bad.json");
        Files.writeString(json, "{\"type\": \"boot\", ");

        assertThat(fbs("spec", "check", ini.toString())).isEqualTo(new Run(1, "",
            ini + ": [DEFAULT] arch: unknown arch 'x86' (expected one of x86_64, aarch64, i686, ppc64le, s390x, "
                + "armhfp)\n"
            + ini + ": [DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path\n"
            + ini + ": [dvd] stage: expected all, -G, -C, -B or -I\n"
            + ini + ": [dvd] config: a path is never read; give an http or https URL, or send the kickstart text\n"));
        assertThat(fbs("spec", "check", json.toString()))
            .isEqualTo(new Run(1, "", json + ": spec: not a valid JSON object\n"));
    }

    @Test
    void checkOfAMissingOrHugeFileSaysSo() throws Exception {
        Path huge = dir.resolve("huge.iso");
        Files.write(huge, new byte[3 * 1024 * 1024]);

        Run missing = fbs("spec", "check", dir.resolve("nope.conf").toString());
        Run big = fbs("spec", "check", huge.toString());

        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith(dir.resolve("nope.conf") + ": cannot read: ");
        assertThat(big).isEqualTo(new Run(1, "", huge + ": cannot read: larger than 2 MiB; not a build spec\n"));
    }

    @Test
    void withoutACommandARoleIsStillRequired() {
        assertThat(fbs().code()).isEqualTo(2);
        assertThat(fbs("--role=nonsense").code()).isEqualTo(2);
    }
}
