package org.fbs.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class SpecParserTest {

    /** The 2012 sample from the docs, with nvr emptied. */
    private static final String SAMPLE_2012 = """
        [DEFAULT]
        type=boot
        arch=x86_64
        release=17
        #staging=10.0.0.27
        staging=file:///tmp/staging
        email=amitsaha.in@gmail.com
        [boot]
        product=fedora
        release=17
        version=17
        updates=0
        updates-testing=0
        17_url=http://download.fedoraproject.org/releases/17/Everything/x86_64/os
        17_mirror=http://mirrors.fedoraproject.org/metalink?repo=fedora-17&arch=x86_64
        #17-updates_url=http://download.fedoraproject.org/updates/17/i386
        #17-updates_mirror=https://mirrors.fedoraproject.org/metalink?repo=updates-released-f17&arch=i386
        proxy=
        nvr=
        bid=
        outdir=/tmp/lorax_op
        workdir=/tmp/lorax_work
        """;

    private static final String MINIMAL = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n";

    private static final JsonObject MINIMAL_JSON =
        new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41");

    private static final String DL = "https://dl.fedoraproject.org/pub/fedora/linux/";

    /** A valid boot spec with these extra lines in [boot]. */
    private static String boot(String... lines) {
        return MINIMAL + "[boot]\n" + String.join("\n", lines) + "\n";
    }

    private static final String KS_URL = "config=https://example.org/ks/fedora.ks";
    private static final String BAD_STAGING =
        "[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path";
    private static final String NOT_PRODUCT =
        "expected 1 to 64 letters, digits, spaces, dots, dashes or underscores, not starting with a dash";
    private static final String NOT_VERSION =
        "expected 1 to 32 letters, digits, dots, dashes or underscores, not starting with a dash";

    /** A dvd spec for x86_64/41 with these lines in [dvd]. */
    private static String dvd(String... lines) {
        return "[DEFAULT]\ntype=dvd\narch=x86_64\nrelease=41\n[dvd]\n" + String.join("\n", lines) + "\n";
    }

    /** A live spec for x86_64/41 with these lines in [live]. */
    private static String live(String... lines) {
        return "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n[live]\n" + String.join("\n", lines) + "\n";
    }

    /** A spec whose [DEFAULT] is type=boot plus these lines, and no [boot] section. */
    private static String defaults(String... lines) {
        return "[DEFAULT]\ntype=boot\n" + String.join("\n", lines) + "\n";
    }

    private static List<String> errorsOf(String ini) {
        try {
            SpecParser.fromIni(ini);
        } catch (SpecException e) {
            return e.errors();
        }
        return fail("expected a SpecException for:\n" + ini);
    }

    private static List<String> errorsOf(JsonObject json) {
        try {
            SpecParser.fromJson(json);
        } catch (SpecException e) {
            return e.errors();
        }
        return fail("expected a SpecException for " + json.encode());
    }

    @Test
    void sample2012Parses() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(SAMPLE_2012);

        assertThat(spec).isEqualTo(new BuildSpec(ImageType.BOOT, "x86_64", "17", "file:///tmp/staging",
            List.of("amitsaha.in@gmail.com"), KojiPackages.NONE,
            new BootOptions("fedora", "17", "17",
                List.of(new Repo("17", "http://download.fedoraproject.org/releases/17/Everything/x86_64/os",
                    "http://mirrors.fedoraproject.org/metalink?repo=fedora-17&arch=x86_64")),
                null, false, false), null, null));
        assertThat(org.fbs.protocol.Addresses.build(spec.arch(), spec.release())).isEqualTo("build.x86_64.17");
    }

    @Test
    void minimalSpecGetsDefaults() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(MINIMAL);

        assertThat(spec).isEqualTo(new BuildSpec(ImageType.BOOT, "x86_64", "41", BuildSpec.WORKER_STAGING, List.of(),
            KojiPackages.NONE,
            new BootOptions("Fedora", "41", "41",
                List.of(new Repo("41", DL + "releases/41/Everything/x86_64/os/", null)),
                null, false, false), null, null));
    }

    @Test
    void updatesReposFollowTheFlags() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(
            "[DEFAULT]\ntype=boot\narch=aarch64\nrelease=40\n[boot]\nupdates=YES\nupdates-testing=true\n");

        assertThat(spec.boot().repos()).containsExactly(
            new Repo("40", DL + "releases/40/Everything/aarch64/os/", null),
            new Repo("40-updates", DL + "updates/40/Everything/aarch64/", null),
            new Repo("40-updates-testing", DL + "updates/testing/40/Everything/aarch64/", null));
        assertThat(spec.boot().updates()).isTrue();
        assertThat(spec.boot().updatesTesting()).isTrue();
    }

    @Test
    void onlyUpdatesTestingWhenOnlyItIsOn() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(boot("updates-testing=1"));

        assertThat(spec.boot().repos()).extracting(Repo::key).containsExactly("41", "41-updates-testing");
    }

    @Test
    void secondaryArchesUseFedoraSecondary() throws SpecException {
        BuildSpec spec = SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=s390x\nrelease=41\n[boot]\nupdates=1\n");

        assertThat(spec.boot().repos()).containsExactly(
            new Repo("41", "https://dl.fedoraproject.org/pub/fedora-secondary/releases/41/Everything/s390x/os/", null),
            new Repo("41-updates", "https://dl.fedoraproject.org/pub/fedora-secondary/updates/41/Everything/s390x/", null));
    }

    @Test
    void rawhideDefaults() throws SpecException {
        BuildSpec spec = SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=rawhide\n");

        assertThat(spec.boot()).isEqualTo(new BootOptions("Fedora", "rawhide", "rawhide",
            List.of(new Repo("rawhide", DL + "development/rawhide/Everything/x86_64/os/", null)),
            null, false, false));
    }

    @Test
    void userReposAreTakenExactly() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(boot("41_url=https://example.org/f41/", "updates=1",
            "41-updates_mirror=https://example.org/metalink?u"));

        assertThat(spec.boot().repos()).containsExactly(
            new Repo("41", "https://example.org/f41/", null),
            new Repo("41-updates", null, "https://example.org/metalink?u"));
    }

    @Test
    void iniSyntaxVariants() throws SpecException {
        BuildSpec spec = SpecParser.fromIni("\uFEFF; a comment\r\n[DEFAULT]\r\n  type : boot \r\n"
            + "arch=x86_64\r\n\r\n# another\r\nrelease: 41\r\nemail = a@example.org; b@example.org,c@example.org\r\n"
            + "[dvd]\r\nflavor=whatever\r\n[boot]\r\nproxy=http://proxy.example.org:3128\r\nrelease=41\r\n"
            + "arch=x86_64\r\nversion=41.1\r\nproduct=Fedora Remix\r\n");

        assertThat(spec.email()).containsExactly("a@example.org", "b@example.org", "c@example.org");
        assertThat(spec.boot().proxy()).isEqualTo("http://proxy.example.org:3128");
        assertThat(spec.boot().version()).isEqualTo("41.1");
        assertThat(spec.boot().product()).isEqualTo("Fedora Remix");
    }

    @Test
    void bootReleaseDefaultsToTheDefaultRelease() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(boot("41_url=https://example.org/f41/"));

        assertThat(spec.boot().release()).isEqualTo("41");
        assertThat(spec.boot().version()).isEqualTo("41");
    }

    @Test
    void jsonEqualsIni() throws SpecException {
        String ini = """
            [DEFAULT]
            type=boot
            arch=ppc64le
            release=40
            staging=file:///srv/staging
            email=a@example.org, b@example.org
            [boot]
            product=Fedora
            version=40
            updates=1
            40_url=https://example.org/40/
            40_mirror=https://example.org/metalink
            proxy=https://proxy.example.org/
            outdir=/ignored
            """;
        JsonObject json = new JsonObject()
            .put("type", "boot")
            .put("arch", "ppc64le")
            .put("release", 40)
            .put("staging", "file:///srv/staging")
            .put("email", new JsonArray().add("a@example.org").add("b@example.org"))
            .put("boot", new JsonObject()
                .put("product", "Fedora")
                .put("version", 40)
                .put("updates", true)
                .put("updates-testing", false)
                .put("40_url", "https://example.org/40/")
                .put("40_mirror", "https://example.org/metalink")
                .put("proxy", "https://proxy.example.org/")
                .putNull("nvr")
                .put("workdir", "/ignored"));

        assertThat(SpecParser.fromJson(json)).isEqualTo(SpecParser.fromIni(ini));
    }

    static final String DVD_2012 = """
        [DEFAULT]
        type=dvd
        arch=i686
        release=17
        #staging=localhost
        staging=file:///tmp/staging
        email=amitsaha.in@gmail.com
        [dvd]
        name=fedora
        version=17
        flavor=Desktop
        nvr=python-2.7.3-7.1.fc17
        bid=
        destdir=/tmp/pungi_op
        cachedir=/tmp/pungi_cache
        workdir=/tmp/pungi_work
        bugurl=http://bugzilla.redhat.com
        nosource=1
        sourceisos=0
        force=1
        stage=all
        config=http://git.fedorahosted.org/git/?p=spin-kickstarts.git;a=blob_plain;f=fedora-install-fedora.ks;hb=HEAD
        """;

    /** The 2012 live sample, as its users still have it (also what the /rest tests send). */
    public static final String LIVE_2012 = """
        [DEFAULT]
        type=live
        arch=i686
        release=rawhide
        staging=10.0.0.27
        #staging=file:///tmp/logs
        email=amitsaha.in@gmail.com
        [live]
        label=FedoraDesktop
        title=Desktop
        product=fedora
        releasever=rawhide
        nvr=
        bid=
        tmpdir=/tmp/live_work
        cachedir=/var/cache/liveimage
        logfile=/tmp/liveimage.log
        #config=fedora-live-desktop.ks
        config=http://git.fedorahosted.org/cgit/spin-kickstarts.git/plain/fedora-live-mini.ks


        """;

    @Test
    void dvdSample2012Parses() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(DVD_2012);

        assertThat(spec).isEqualTo(new BuildSpec(ImageType.DVD, "i686", "17", "file:///tmp/staging",
            List.of("amitsaha.in@gmail.com"), new KojiPackages(List.of("python-2.7.3-7.1.fc17"), List.of()),
            null, new DvdOptions("fedora", "17", "Desktop", "http://bugzilla.redhat.com", true, false, true, "all",
                new Kickstart("http://git.fedorahosted.org/git/?p=spin-kickstarts.git;a=blob_plain;"
                    + "f=fedora-install-fedora.ks;hb=HEAD", null)), null));
        assertThat(spec.kickstart().needsFetch()).isTrue();
    }

    @Test
    void liveSample2012Parses() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(LIVE_2012);

        assertThat(spec).isEqualTo(new BuildSpec(ImageType.LIVE, "i686", "rawhide", "ftp://10.0.0.27/pub",
            List.of("amitsaha.in@gmail.com"), KojiPackages.NONE, null, null,
            new LiveOptions("livemedia-creator", "FedoraDesktop", "Desktop", "fedora", "rawhide", null,
                new Kickstart("http://git.fedorahosted.org/cgit/spin-kickstarts.git/plain/fedora-live-mini.ks",
                    null))));
    }

    @Test
    void liveDefaultsAndKiwi() throws SpecException {
        BuildSpec lmc = SpecParser.fromIni("[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n[live]\n"
            + "config=https://example.org/ks/fedora-live-xfce.ks\n");
        BuildSpec kiwi = SpecParser.fromIni("[DEFAULT]\ntype=live\narch=aarch64\nrelease=42\n[live]\ntool=kiwi\n"
            + "profile=Workstation-Live\nconfig=https://example.org/Fedora.kiwi\nproduct=Fedora Remix\n");

        assertThat(lmc.live()).isEqualTo(new LiveOptions("livemedia-creator", "Fedora-Live-41", null, "Fedora", "41",
            null, new Kickstart("https://example.org/ks/fedora-live-xfce.ks", null)));
        assertThat(kiwi.live()).isEqualTo(new LiveOptions("kiwi", "Fedora-Remix-Live-42", null, "Fedora Remix", "42",
            "Workstation-Live", new Kickstart("https://example.org/Fedora.kiwi", null)));
        assertThat(kiwi.live().kiwi()).isTrue();
    }

    @Test
    void jsonKickstartTextIsKeptExactlyAndConfigNamesIt() throws SpecException {
        String text = "  # my kickstart\n%packages\n@core\n%end\n\n";
        JsonObject json = new JsonObject().put("type", "dvd").put("arch", "x86_64").put("release", 41)
            .put("dvd", new JsonObject().put("kickstart", text).put("config", "my-dvd.ks").put("flavor", "Server"));
        JsonObject unnamed = new JsonObject().put("type", "live").put("arch", "x86_64").put("release", 41)
            .put("live", new JsonObject().put("kickstart", text));

        BuildSpec dvd = SpecParser.fromJson(json);

        assertThat(dvd.dvd()).isEqualTo(new DvdOptions("Fedora", "41", "Server", null, false, false, false, "all",
            new Kickstart("my-dvd.ks", text)));
        assertThat(dvd.kickstart().needsFetch()).isFalse();
        assertThat(SpecParser.fromJson(unnamed).kickstart()).isEqualTo(new Kickstart("kickstart.ks", text));
    }

    @Test
    void aKickstartWithAnIncludeIsRefusedNamingTheLineButAKiwiDescriptionIsNotAKickstart() throws SpecException {
        String text = "%packages\n@core\n%end\n%post\n  %include /etc/shadow # note\n%end\n";
        JsonObject dvd = new JsonObject().put("type", "dvd").put("arch", "x86_64").put("release", 41)
            .put("dvd", new JsonObject().put("kickstart", text).put("config", "my-dvd.ks"));
        JsonObject kiwi = new JsonObject().put("type", "live").put("arch", "x86_64").put("release", 41)
            .put("live", new JsonObject().put("tool", "kiwi").put("profile", "Live").put("kickstart", text));

        assertThatThrownBy(() -> SpecParser.fromJson(dvd)).isInstanceOf(SpecException.class)
            .extracting(e -> ((SpecException) e).errors()).isEqualTo(List.of("[dvd] config: the kickstart's line 5"
                + " (  %include /etc/shadow # note) includes another file: a build brings exactly one kickstart, so"
                + " %include and %ksappend are refused; flatten it first (ksflatten -c KICKSTART -o FLAT.ks) and"
                + " send the flat file"));
        assertThat(SpecParser.fromJson(kiwi).kickstart().text()).isEqualTo(text);
    }

    @Test
    void fetchedKickstartTextTravelsInTheSpec() throws SpecException {
        BuildSpec parsed = SpecParser.fromIni(LIVE_2012);

        BuildSpec fetched = parsed.withKickstartText("%packages\n%end\n");

        assertThat(fetched.kickstart()).isEqualTo(new Kickstart(parsed.kickstart().name(), "%packages\n%end\n"));
        assertThat(fetched.toJson().getJsonObject("live").getString("kickstart")).isEqualTo("%packages\n%end\n");
        assertThat(SpecParser.fromJson(fetched.toJson())).isEqualTo(fetched);
    }

    @Test
    void kojiPackagesFromTheSectionOrElseFromDefault() throws SpecException {
        BuildSpec fromSection = SpecParser.fromIni(MINIMAL + "nvr=ignored-1-1\n[boot]\n"
            + "nvr=anaconda-41.1-1.fc41; lorax-41.3-1.fc41;anaconda-41.1-1.fc41;\nbid=2601234;17\n");
        BuildSpec fromDefault = SpecParser.fromIni(MINIMAL + "bid=99\n");

        assertThat(fromSection.packages()).isEqualTo(new KojiPackages(
            List.of("anaconda-41.1-1.fc41", "lorax-41.3-1.fc41"), List.of(2601234L, 17L)));
        assertThat(fromDefault.packages()).isEqualTo(new KojiPackages(List.of(), List.of(99L)));
    }

    @Test
    void ftpStagingInCanonicalForm() throws SpecException {
        Map<String, String> expected = Map.of(
            "10.0.0.27", "ftp://10.0.0.27/pub",
            "ftp.example.org", "ftp://ftp.example.org/pub",
            "ftp://ftp.example.org/pub/fbs/", "ftp://ftp.example.org/pub/fbs",
            "ftp://fbs@ftp.example.org:2121/in", "ftp://fbs@ftp.example.org:2121/in",
            "ftp://fbs:s%40cret@ftp.example.org/", "ftp://fbs:s%40cret@ftp.example.org/",
            "worker", BuildSpec.WORKER_STAGING);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            BuildSpec spec = SpecParser.fromIni(defaults("arch=x86_64", "release=41", "staging=" + e.getKey()));
            assertThat(spec.staging()).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void workerPathsAreAcceptedAndIgnored() throws SpecException {
        String paths = "outdir=/etc/x\nworkdir=/etc/x\ndestdir=/etc/x\ncachedir=/etc/x\ntmpdir=/etc/x\nlogfile=/etc/x\n";
        BuildSpec plain = SpecParser.fromIni(MINIMAL);

        assertThat(SpecParser.fromIni(MINIMAL + paths + "[boot]\n" + paths)).isEqualTo(plain);
        assertThat(plain.toJson().encode()).doesNotContain("/etc/x");
    }

    @Test
    void aBuildMailsAtMostTwentyAddressesInEitherForm() throws SpecException {
        List<String> twenty = IntStream.rangeClosed(1, 20).mapToObj(i -> "u" + i + "@example.org").toList();
        List<String> many = IntStream.rangeClosed(1, 500).mapToObj(i -> "u" + i + "@example.org").toList();

        assertThat(SpecParser.fromIni(defaults("arch=x86_64", "release=41", "email=" + String.join(",", twenty)))
            .email()).hasSize(20);
        assertThat(errorsOf(defaults("arch=x86_64", "release=41", "email=" + String.join(", ", many))))
            .containsExactly("[DEFAULT] email: at most 20 addresses, not 500");
        JsonObject json = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
            .put("email", new JsonArray(many.subList(0, 21)));
        assertThat(errorsOf(json)).singleElement().asString().endsWith("email: at most 20 addresses, not 21");
    }

    static Stream<String> validSpecs() {
        return Stream.of(SAMPLE_2012, MINIMAL, DVD_2012, LIVE_2012,
            "[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\nstaging=ftp://u:p@h.example.org:21/up/\n[live]\n"
                + "tool=kiwi\nprofile=KDE\nconfig=https://example.org/Fedora.kiwi\ntitle=My Spin\nbid=5;6\n",
            "[DEFAULT]\ntype=dvd\narch=aarch64\nrelease=rawhide\n[dvd]\nstage=-G\nsourceisos=true\n"
                + "config=https://example.org/dvd.ks\n",
            boot("updates=1", "updates-testing=1", "proxy=http://p.example.org:8080/"),
            boot("41_url=https://example.org/41/", "product=My Spin", "version=41-beta"),
            boot("41_mirror=https://example.org/m", "updates=1", "41-updates_url=ftp://example.org/u/"),
            defaults("arch=s390x", "release=rawhide", "email=a@example.org b@example.org"),
            defaults("arch=s390x", "release=39", "staging=file:///var/lib/fbs/out"),
            boot("41_url=https://example.org/41/").replace("x86_64", "i686"),
            MINIMAL.replace("x86_64", "armhfp").replace("41", "36") + "[boot]\n36_url=https://archives.example.org/36/\n");
    }

    @ParameterizedTest
    @MethodSource("validSpecs")
    void canonicalJsonRoundTrips(String ini) throws SpecException {
        BuildSpec spec = SpecParser.fromIni(ini);

        assertThat(SpecParser.fromJson(spec.toJson())).isEqualTo(spec);
        assertThat(SpecParser.fromJson(new JsonObject(spec.toJson().encode()))).isEqualTo(spec);
    }

    @Test
    void canonicalJsonRoundTripsWithKickstartText() throws SpecException {
        for (String type : List.of("dvd", "live")) {
            JsonObject json = new JsonObject().put("type", type).put("arch", "x86_64").put("release", "41")
                .put(type, new JsonObject().put("kickstart", "\tkeep  my\r\nspaces \n").put("nvr", "a-1-2"));
            BuildSpec spec = SpecParser.fromJson(json);

            assertThat(SpecParser.fromJson(spec.toJson())).isEqualTo(spec);
            assertThat(SpecParser.fromJson(new JsonObject(spec.toJson().encode()))).isEqualTo(spec);
        }
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
            Arguments.of("", List.of("[DEFAULT] type: required", "[DEFAULT] arch: required",
                "[DEFAULT] release: required")),
            Arguments.of("[DEFAULT]\ntype=\narch=x86_64\nrelease=41\n", List.of("[DEFAULT] type: required")),
            Arguments.of("[DEFAULT]\ntype=dvd\narch=x86_64\nrelease=41\n[dvd]\nname=x\n",
                List.of("[dvd] config: required: an http or https URL to the kickstart"
                    + " (or, in the JSON form, its text in kickstart)")),
            Arguments.of("[DEFAULT]\ntype=live\narch=x86_64\nrelease=41\n",
                List.of("[live] config: required: an http or https URL to the kickstart"
                    + " (or, in the JSON form, its text in kickstart)")),
            Arguments.of("[DEFAULT]\ntype=Boot\narch=x86_64\nrelease=41\n",
                List.of("[DEFAULT] type: expected boot, dvd or live")),
            Arguments.of(defaults("arch=sparc", "release=41"), List.of("[DEFAULT] arch: unknown arch 'sparc' "
                + "(expected one of x86_64, aarch64, i686, ppc64le, s390x, armhfp)")),
            Arguments.of(defaults("arch=x86_64", "release=041"),
                List.of("[DEFAULT] release: expected a positive whole number or rawhide")),
            Arguments.of(defaults("arch=x86_64", "release=0"),
                List.of("[DEFAULT] release: expected a positive whole number or rawhide")),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=file://tmp/staging"),
                List.of("[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path")),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=file:///tmp/../etc"),
                List.of("[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path")),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=file:///tmp/%2e%2e/etc"),
                List.of("[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path")),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=/tmp/staging"),
                List.of("[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path")),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=ftp://example.org:99999/pub"),
                List.of("[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path")),
            Arguments.of(defaults("arch=x86_64", "release=41", "email=a@example.org, <b@example.org>"),
                List.of("[DEFAULT] email: not an email address '<b@example.org>'")),
            Arguments.of(defaults("arch=x86_64", "release=41", "email=alice"),
                List.of("[DEFAULT] email: not an email address 'alice'")),
            Arguments.of(defaults("arch=x86_64", "release=41", "colour=red"),
                List.of("[DEFAULT] colour: unknown key")),
            Arguments.of(boot("foo=1"), List.of("[boot] foo: unknown key")),
            Arguments.of(boot("updates=2"), List.of("[boot] updates: expected 0, 1, true or false")),
            Arguments.of(boot("updates-testing=maybe"),
                List.of("[boot] updates-testing: expected 0, 1, true or false")),
            Arguments.of(boot("17_url=http://download.fedoraproject.org/releases/17/Everything/x86_64/os"),
                List.of("[boot] 17_url: does not match release 41")),
            Arguments.of(boot("41_url=file:///srv/repo"), List.of("[boot] 41_url: not an http, https or ftp URL")),
            Arguments.of(boot("41-updates_mirror=http:///metalink"),
                List.of("[boot] 41-updates_mirror: not an http, https or ftp URL")),
            Arguments.of(boot("proxy=socks5://proxy.example.org:1080"),
                List.of("[boot] proxy: not an http or https URL")),
            Arguments.of(boot("product=-o /etc"), List.of("[boot] product: expected 1 to 64 letters, digits, "
                + "spaces, dots, dashes or underscores, not starting with a dash")),
            Arguments.of(boot("version=41 beta"), List.of("[boot] version: expected 1 to 32 letters, digits, "
                + "dots, dashes or underscores, not starting with a dash")),
            Arguments.of(boot("release=forty"),
                List.of("[boot] release: expected a positive whole number or rawhide")),
            Arguments.of("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=rawhide\n[boot]\nupdates=1\nupdates-testing=1\n",
                List.of("[boot] updates: rawhide has no updates repository",
                    "[boot] updates-testing: rawhide has no updates-testing repository")),
            Arguments.of(boot("bid=1234;abc; ;0"), List.of("[boot] bid: not a Koji build id 'abc'",
                "[boot] bid: not a Koji build id '0'")),
            Arguments.of(boot("nvr=wget;-x-1-2;bash-5.2-1.fc41"), List.of(
                "[boot] nvr: not a name-version-release 'wget'", "[boot] nvr: not a name-version-release '-x-1-2'")),
            Arguments.of(boot("arch=aarch64"), List.of("[boot] arch: differs from [DEFAULT]; set it there")),
            Arguments.of("type=boot\n[DEFAULT]\narch=x86_64\nrelease=41\n",
                List.of("line 1: outside any [section]", "[DEFAULT] type: required")),
            Arguments.of(MINIMAL + "arch=aarch64\n", List.of("line 5: duplicate key arch in [DEFAULT]")),
            Arguments.of(MINIMAL + "[boot]\n[boot]\nupdates=1\n", List.of("line 6: duplicate section [boot]")),
            Arguments.of(defaults("arch\t=x86_64", "release=41", "=oops", "[oops"),
                List.of("line 5: expected key=value", "line 6: expected key=value")),
            Arguments.of(defaults("arch=x86_64", "release=41", "email=x\u0007@example.org"),
                List.of("[DEFAULT] email: not an email address 'x?@example.org'")),
            // release in [boot] / releasever in [live] must follow [DEFAULT], which chooses the worker
            Arguments.of(boot("release=40"), List.of("[boot] release: differs from [DEFAULT] release 41; "
                + "the release in [DEFAULT] chooses the worker, so set it there")),
            Arguments.of(live("releasever=rawhide", KS_URL), List.of("[live] releasever: differs from [DEFAULT] "
                + "release 41; the release in [DEFAULT] chooses the worker, so set it there")),
            // arches Fedora no longer publishes trees for
            Arguments.of(MINIMAL.replace("x86_64", "i686"), List.of("[boot] 41_url: required for i686: Fedora no "
                + "longer publishes i686 trees; give 41_url")),
            Arguments.of(boot("41_url=https://example.org/41/", "updates=1").replace("x86_64", "armhfp"),
                List.of("[boot] 41-updates_url: required for armhfp: Fedora no longer publishes armhfp trees; "
                    + "give 41-updates_url")),
            // FTP staging
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=ftp://example.org"), List.of(BAD_STAGING)),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=ftp://example.org/a//b"),
                List.of(BAD_STAGING)),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=ftp://example.org/pub?x=1"),
                List.of(BAD_STAGING)),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=ftp://@example.org/pub"),
                List.of(BAD_STAGING)),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=ftp://ex_ample.org/pub"),
                List.of(BAD_STAGING)),
            Arguments.of(defaults("arch=x86_64", "release=41", "staging=sftp://example.org/pub"),
                List.of(BAD_STAGING)),
            // Koji packages
            Arguments.of(MINIMAL + "nvr=bash-5.2\n", List.of("[DEFAULT] nvr: not a name-version-release 'bash-5.2'")),
            Arguments.of(boot("bid=12345678901234567890"),
                List.of("[boot] bid: not a Koji build id '12345678901234567890'")),
            Arguments.of(dvd("nvr=a-1-1;b-1-1-;", KS_URL), List.of("[dvd] nvr: not a name-version-release 'b-1-1-'")),
            Arguments.of(boot("bid=" + "1;".repeat(50) + String.join(";", java.util.stream.IntStream.rangeClosed(2, 101)
                .mapToObj(String::valueOf).toList())), List.of("[boot] bid: at most 100 builds")),
            // dvd
            Arguments.of(dvd("stage=-X", KS_URL), List.of("[dvd] stage: expected all, -G, -C, -B or -I")),
            Arguments.of(dvd("nosource=y", KS_URL), List.of("[dvd] nosource: expected 0, 1, true or false")),
            Arguments.of(dvd("force=2", "sourceisos=on", KS_URL), List.of(
                "[dvd] sourceisos: expected 0, 1, true or false", "[dvd] force: expected 0, 1, true or false")),
            Arguments.of(dvd("bugurl=mailto:bugs@example.org", KS_URL),
                List.of("[dvd] bugurl: not an http or https URL")),
            Arguments.of(dvd("flavor=--destdir=/", KS_URL), List.of("[dvd] flavor: " + NOT_VERSION)),
            Arguments.of(dvd("name=$(reboot)", KS_URL), List.of("[dvd] name: " + NOT_PRODUCT)),
            Arguments.of(dvd("version=17 final", KS_URL), List.of("[dvd] version: " + NOT_VERSION)),
            Arguments.of(dvd("label=x", KS_URL), List.of("[dvd] label: unknown key")),
            Arguments.of(dvd("config=/etc/shadow"), List.of("[dvd] config: a path is never read; "
                + "give an http or https URL, or send the kickstart text")),
            Arguments.of(dvd("config=../../etc/cron.d/x"), List.of("[dvd] config: a path is never read; "
                + "give an http or https URL, or send the kickstart text")),
            Arguments.of(dvd("config=file:///etc/passwd"), List.of("[dvd] config: not an http or https URL")),
            Arguments.of(dvd("config=ftp://example.org/dvd.ks"), List.of("[dvd] config: not an http or https URL")),
            Arguments.of(dvd("config=fedora-install.ks"), List.of("[dvd] config: a file name alone cannot be "
                + "fetched; give an http or https URL, or send the kickstart text")),
            Arguments.of(dvd("config=.hidden"), List.of(
                "[dvd] config: expected an http or https URL, or a file name with the kickstart text")),
            Arguments.of(dvd("config=https://me:secret@example.org/dvd.ks"),
                List.of("[dvd] config: a URL with a user or password is not accepted")),
            Arguments.of(dvd("kickstart=%packages", KS_URL),
                List.of("[dvd] kickstart: only in the JSON form; in INI give config=URL")),
            // live
            Arguments.of(live("tool=livecd-creator", KS_URL), List.of("[live] tool: expected livemedia-creator or kiwi")),
            Arguments.of(live("tool=kiwi", KS_URL), List.of("[live] profile: required when tool is kiwi")),
            Arguments.of(live("profile=KDE", KS_URL), List.of("[live] profile: only for tool=kiwi")),
            Arguments.of(live("tool=kiwi", "profile=-x", KS_URL), List.of("[live] profile: expected 1 to 64 "
                + "letters, digits, dots, dashes, underscores or plus signs, not starting with a dash")),
            Arguments.of(live("label=" + "L".repeat(33), KS_URL), List.of("[live] label: expected 1 to 32 letters, "
                + "digits, dots, dashes or underscores, not starting with a dash")),
            Arguments.of(live("title=A;B", KS_URL), List.of("[live] title: " + NOT_PRODUCT)),
            Arguments.of(live("product=-Fedora", KS_URL), List.of("[live] product: " + NOT_PRODUCT)),
            Arguments.of(live("releasever=f41", KS_URL),
                List.of("[live] releasever: expected a positive whole number or rawhide")),
            Arguments.of(live("updates=1", KS_URL), List.of("[live] updates: unknown key")),
            Arguments.of(live("arch=x86_64", "type=boot", KS_URL),
                List.of("[live] type: differs from [DEFAULT]; set it there")),
            Arguments.of(live(), List.of("[live] config: required: an http or https URL to the kickstart"
                + " (or, in the JSON form, its text in kickstart)")));
    }

    /** The 2012 live key lmc dropped in lorax 32 is still accepted: the worker does not pass it, and says so. */
    @Test
    void aLiveTitleIsStillAcceptedAndAnAlphanumericFlavorAndAMirrorBesideAUrlToo() throws SpecException {
        assertThat(SpecParser.fromIni(live("title=Fedora Live", KS_URL)).live().title()).isEqualTo("Fedora Live");
        assertThat(SpecParser.fromIni(dvd("flavor=Server41", KS_URL)).dvd().flavor()).isEqualTo("Server41");
        assertThat(SpecParser.fromIni(boot("41_url=https://example.org/41/", "41_mirror=https://example.org/m"))
            .boot().repos()).containsExactly(new Repo("41", "https://example.org/41/", "https://example.org/m"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void badSpecsAreRejectedWithExactErrors(String ini, List<String> expected) {
        assertThat(errorsOf(ini)).containsExactlyElementsOf(expected);
    }

    @Test
    void everyFaultIsReported() {
        String ini = """
            [DEFAULT]
            type=boot
            arch=x86-64
            release=41
            staging=file:///tmp/a/../b
            email=ok@example.org, bad
            colour=blue
            [boot]
            product=
            version=-41
            updates=perhaps
            17_mirror=https://example.org/
            41_url=gopher://example.org/
            proxy=ftp://proxy
            nvr=foo-1-1
            this line is wrong
            """;

        assertThat(errorsOf(ini)).containsExactly(
            "line 16: expected key=value",
            "[DEFAULT] colour: unknown key",
            "[DEFAULT] arch: unknown arch 'x86-64' (expected one of x86_64, aarch64, i686, ppc64le, s390x, armhfp)",
            "[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path",
            "[DEFAULT] email: not an email address 'bad'",
            "[boot] version: expected 1 to 32 letters, digits, dots, dashes or underscores, not starting with a dash",
            "[boot] updates: expected 0, 1, true or false",
            "[boot] proxy: not an http or https URL",
            "[boot] 17_mirror: does not match release 41",
            "[boot] 41_url: not an http, https or ftp URL");
    }

    @Test
    void everyFaultOfALiveSpecIsReported() {
        String ini = """
            [DEFAULT]
            type=live
            arch=aarch64
            release=42
            staging=ftp://fbs:pw@ftp.example.org:0/up
            nvr=glibc-2.40
            [live]
            tool=kiwi
            label=-bad
            releasever=41
            bid=7;x
            tmpdir=/ignored
            kickstart=%packages
            config=../my.ks
            """;

        assertThat(errorsOf(ini)).containsExactly(
            "[live] kickstart: only in the JSON form; in INI give config=URL",
            "[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path",
            "[DEFAULT] nvr: not a name-version-release 'glibc-2.40'",
            "[live] bid: not a Koji build id 'x'",
            "[live] profile: required when tool is kiwi",
            "[live] releasever: differs from [DEFAULT] release 42; the release in [DEFAULT] chooses the worker, "
                + "so set it there",
            "[live] label: " + NOT_VERSION,
            "[live] config: a path is never read; give an http or https URL, or send the kickstart text");
    }

    @Test
    void exceptionMessageJoinsTheErrors() {
        assertThatThrownBy(() -> SpecParser.fromIni(""))
            .isInstanceOf(SpecException.class)
            .hasMessage("[DEFAULT] type: required; [DEFAULT] arch: required; [DEFAULT] release: required");
    }

    @Test
    void sampleNvrGoesToKojiPackages() throws SpecException {
        String ini = SAMPLE_2012.replace("nvr=\n", "nvr=wget-1.13.4-4.fc17\n");

        assertThat(SpecParser.fromIni(ini).packages())
            .isEqualTo(new KojiPackages(List.of("wget-1.13.4-4.fc17"), List.of()));
    }

    @Test
    void stagingPasswordIsNeverShown() {
        for (String staging : List.of("ftp://fbs:s3cret@ftp.example.org:99999/pub/fbs",
            "ftp://fbs:s3cret@ftp.example.org/no space allowed", "ftp://fbs:s3cret@ftp.example.org/a/../b", "ftp://fbs:s3cret@", "fbs:s3cret@host")) {
            try {
                SpecParser.fromIni(defaults("arch=x86_64", "release=41", "staging=" + staging));
                fail("accepted " + staging);
            } catch (SpecException e) {
                assertThat(e.getMessage()).doesNotContain("s3cret").startsWith("[DEFAULT] staging: ");
                assertThat(e.errors()).hasSize(1);
            }
        }
    }

    @Test
    void lineBreaksAndNulAnywhereInAnFtpStagingUrlAreRefusedEvenPercentEncodedAndNeverEchoed() {
        for (String staging : List.of("ftp://fbs:s3cret%0D%0ADELE%20x@ftp.example.org/pub",
            "ftp://fbs%0aDELE%20x:s3cret@ftp.example.org/pub", "ftp://fbs:s3cret%00@ftp.example.org/pub",
            "ftp://fbs:s3cret@ftp.example.org/pub%0D%0ARMD%20pub", "ftp://fbs:s3cret%7f@ftp.example.org/pub",
            "ftp://fbs:s3cret\u0000@ftp.example.org/pub")) {
            for (SpecSource source : List.of(SpecSource.INI, SpecSource.JSON)) {
                assertThat(source.errorsOf(staging)).as(staging).containsExactly("[DEFAULT] staging: control"
                    + " characters (line breaks, NUL) are not allowed anywhere in an ftp:// URL, not even"
                    + " percent-encoded");
            }
        }
    }

    @Test
    void anFtpPathIsRelativeToTheLoginDirectoryAndALeadingPercent2FMakesItAbsolute() throws SpecException {
        Map<String, String> expected = Map.of(
            "ftp://fbs@ftp.example.org/%2Fsrv/ftp/", "ftp://fbs@ftp.example.org/%2Fsrv/ftp",
            "ftp://fbs@ftp.example.org/%2fsrv", "ftp://fbs@ftp.example.org/%2Fsrv",
            "ftp://fbs@ftp.example.org/%2F", "ftp://fbs@ftp.example.org/%2F",
            "ftp://fbs@ftp.example.org/up", "ftp://fbs@ftp.example.org/up");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            BuildSpec spec = SpecParser.fromIni(defaults("arch=x86_64", "release=41", "staging=" + e.getKey()));
            assertThat(spec.staging()).as(e.getKey()).isEqualTo(e.getValue());
        }
        for (String bad : List.of("ftp://h.example.org/%2F/srv", "ftp://h.example.org/%2Fsrv/../etc",
            "ftp://h.example.org/up/%2Fsrv", "ftp://h.example.org/%2Fsrv%2Fftp", "ftp://h.example.org/%2F%2e%2e")) {
            assertThatThrownBy(() -> SpecParser.fromIni(defaults("arch=x86_64", "release=41", "staging=" + bad)))
                .as(bad).isInstanceOf(SpecException.class).hasMessageContaining("[DEFAULT] staging: expected");
        }
    }

    /** The same staging value given in an INI file and in JSON. */
    private enum SpecSource {
        INI, JSON;

        List<String> errorsOf(String staging) {
            try {
                if (this == INI) {
                    SpecParser.fromIni(defaults("arch=x86_64", "release=41", "staging=" + staging));
                } else {
                    SpecParser.fromJson(new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41")
                        .put("staging", staging));
                }
                throw new AssertionError("accepted " + staging);
            } catch (SpecException e) {
                assertThat(e.getMessage()).doesNotContain("s3cret");
                return e.errors();
            }
        }
    }

    @Test
    void jsonShapeErrorsNameTheKey() {
        JsonObject json = new JsonObject()
            .put("type", "boot")
            .put("arch", "x86_64")
            .put("release", 41)
            .put("email", new JsonArray().add("a@example.org").add(new JsonObject()))
            .put("extra", new JsonObject())
            .put("boot", new JsonObject().put("product", new JsonObject()).put("updates", new JsonArray()))
            .put("dvd", "x");

        assertThat(errorsOf(json)).containsExactly(
            "[DEFAULT] email: expected a string, number, boolean or array of those",
            "[DEFAULT] extra: expected a string, number, boolean or array of those",
            "[boot] product: expected a string, number, boolean or array of those",
            "[dvd]: expected a JSON object");
    }

    @Test
    void jsonBootMustBeAnObject() {
        JsonObject json = MINIMAL_JSON.copy().put("boot", new JsonArray().add("updates=1"));

        assertThat(errorsOf(json)).containsExactly("[boot]: expected a JSON object");
    }

    @Test
    void jsonNullIsAbsentAndNumbersAreText() throws SpecException {
        JsonObject json = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", 41)
            .putNull("staging").put("email", "")
            .put("boot", new JsonObject().put("updates", 1).putNull("proxy"));

        BuildSpec spec = SpecParser.fromJson(json);

        assertThat(spec.staging()).isEqualTo(BuildSpec.WORKER_STAGING);
        assertThat(spec.email()).isEmpty();
        assertThat(spec.boot().updates()).isTrue();
        assertThat(errorsOf(json.copy().put("release", 41.0)))
            .containsExactly("[DEFAULT] release: expected a positive whole number or rawhide");
    }

    @Test
    void memberWithoutNameIsAnError() {
        Map<String, Object> map = new HashMap<>(MINIMAL_JSON.getMap());
        map.put(null, "x");
        Map<String, Object> boot = new HashMap<>();
        boot.put(null, "y");
        map.put("boot", boot);

        assertThat(errorsOf(new JsonObject(map)))
            .containsExactlyInAnyOrder("spec: a JSON member has no name", "[boot]: a JSON member has no name");
    }

    @Test
    void nullAndHugeInputs() {
        assertThatThrownBy(() -> SpecParser.fromIni(null)).isInstanceOf(SpecException.class)
            .hasMessage("spec: no input");
        assertThatThrownBy(() -> SpecParser.fromJson(null)).isInstanceOf(SpecException.class)
            .hasMessage("spec: no input");
        String huge = MINIMAL + "#" + "x".repeat(64 * 1024) + "\n";
        assertThatThrownBy(() -> SpecParser.fromIni(huge)).isInstanceOf(SpecException.class)
            .hasMessage("spec: larger than 64 KiB");
        // 30,000 two-byte characters: under 64 Ki characters, over 64 KiB of UTF-8.
        String wide = MINIMAL + "#" + "é".repeat(33_000) + "\n";
        assertThatThrownBy(() -> SpecParser.fromIni(wide)).isInstanceOf(SpecException.class)
            .hasMessage("spec: larger than 64 KiB");
    }

    @Test
    void longValuesAreCutInMessages() {
        String ini = defaults("arch=" + "a".repeat(30_000), "release=41", "staging=" + "a.".repeat(15_000) + "a");
        // JSON has no size limit here (the HTTP layer bounds it), so values can be far longer.
        JsonObject json = new JsonObject().put("type", "boot").put("arch", "a".repeat(1_000_000)).put("release", 41)
            .put("staging", "a.".repeat(500_000) + "a");

        assertThat(errorsOf(json)).isEqualTo(errorsOf(ini)).containsExactly(
            "[DEFAULT] arch: unknown arch '" + "a".repeat(64) + "...' (expected one of x86_64, aarch64, i686, "
                + "ppc64le, s390x, armhfp)",
            "[DEFAULT] staging: expected file:///absolute/path or ftp://[user[:pass]@]host[:port]/path");
    }

    @Test
    void randomInputsOnlyEverThrowSpecException() throws SpecException {
        Random random = new Random(20120811);
        String json = SpecParser.fromIni(SAMPLE_2012).toJson().encode();
        String alphabet = "[]=:;#\n\r\t -_./@%\u0000\u00e9abcz019DEFAULTbootdvdlive{}\",";
        for (int i = 0; i < 2000; i++) {
            String ini = mutate(SAMPLE_2012, random, alphabet);
            check(() -> SpecParser.fromIni(ini), ini);
            JsonObject object = decode(mutate(json, random, alphabet));
            if (object != null) {
                check(() -> SpecParser.fromJson(object), object.encode());
            }
            JsonObject reshaped = reshape(new JsonObject(json), random);
            check(() -> SpecParser.fromJson(reshaped), reshaped.encode());
        }
    }

    private interface Parse {
        BuildSpec run() throws SpecException;
    }

    private static void check(Parse parse, String input) {
        try {
            parse.run();
        } catch (SpecException e) {
            assertThat(e.errors()).isNotEmpty();
        } catch (RuntimeException | Error e) {
            throw new AssertionError("unexpected " + e + " for input:\n" + input, e);
        }
    }

    private static String mutate(String text, Random random, String alphabet) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(8);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(4)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, c);
                case 2 -> out.setCharAt(at, c);
                default -> out.insert(at, String.valueOf(c).repeat(random.nextInt(300)));
            }
        }
        return out.toString();
    }

    private static JsonObject decode(String text) {
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return null; // not JSON, or not an object: the HTTP layer rejects it before we see it
        }
    }

    /** Replaces a random member, top-level or in boot, with a random JSON value of any shape. */
    private static JsonObject reshape(JsonObject json, Random random) {
        JsonObject target = random.nextBoolean() ? json : json.getJsonObject("boot");
        List<String> names = new ArrayList<>(target.fieldNames());
        names.add("boot");
        names.add("live");
        names.add("17_url");
        String name = names.get(random.nextInt(names.size()));
        Object value = switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> random.nextLong();
            case 2 -> random.nextDouble();
            case 3 -> random.nextBoolean();
            case 4 -> new JsonArray().add(1).add("a").add(random.nextBoolean() ? new JsonArray() : "b");
            case 5 -> new JsonObject().put("x", random.nextInt());
            case 6 -> "\u0000\r\n" + random.nextInt();
            default -> "";
        };
        target.put(name, value);
        return json;
    }

    @Test
    void aTrailingSlashOnAFileStagingFolderIsDropped() throws SpecException {
        BuildSpec spec = SpecParser.fromIni(defaults("arch=x86_64", "release=41", "staging=file:///srv/out/"));

        assertThat(spec.staging()).isEqualTo("file:///srv/out");
        assertThatThrownBy(() -> SpecParser.fromIni(defaults("arch=x86_64", "release=41", "staging=file:///srv//")))
            .isInstanceOf(SpecException.class);
    }
}
