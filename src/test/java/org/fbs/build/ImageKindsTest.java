package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.Test;

/** The registry of image kinds, and what each kind makes of a spec and of what its tool says at a worker's start. */
class ImageKindsTest {

    static final JsonObject KS = new JsonObject().put("config", "x.ks").put("kickstart", "%packages\n%end\n");
    static final JsonObject BOOT = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41");
    static final JsonObject LIVE = BOOT.copy().put("type", "live").put("live", KS.copy());
    static final JsonObject KIWI = BOOT.copy().put("type", "live").put("live", KS.copy().put("tool", "kiwi")
        .put("profile", "Workstation-Live").put("config", "Fedora.kiwi"));
    static final JsonObject DVD = BOOT.copy().put("type", "dvd").put("dvd", KS.copy());

    @Test
    void theCanonicalJsonNamesTheSameKindAsTheParsedSpec() throws Exception {
        for (JsonObject request : new JsonObject[] {BOOT, LIVE, KIWI, DVD}) {
            BuildSpec spec = SpecParser.fromJson(request);
            assertThat(ImageKinds.of(spec.toJson())).as(request.encode()).isSameAs(ImageKinds.of(spec));
        }
        assertThat(ImageKinds.of(SpecParser.fromJson(BOOT).toJson()).name()).isEqualTo(ImageKinds.BOOT);
        assertThat(ImageKinds.of(SpecParser.fromJson(LIVE).toJson()).name()).isEqualTo(ImageKinds.LIVE);
        assertThat(ImageKinds.of(SpecParser.fromJson(KIWI).toJson()).name()).isEqualTo(ImageKinds.LIVE_KIWI);
        assertThat(ImageKinds.of(SpecParser.fromJson(DVD).toJson()).name()).isEqualTo(ImageKinds.DVD);
    }

    @Test
    void eachKindHasItsOwnToolProgramAndWordsAndIsFoundByName() {
        assertThat(ImageKinds.all()).extracting(ImageKind::name).containsExactly("boot", "live", "live-kiwi", "dvd");
        assertThat(ImageKinds.defaultPrograms()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "lorax", "/usr/sbin/lorax",
            "livemedia-creator", "/usr/sbin/livemedia-creator",
            "kiwi-ng", "/usr/bin/kiwi-ng",
            "pungi", "/usr/bin/pungi",
            "pungi-koji", "/usr/bin/pungi-koji"));
        assertThat(ImageKinds.all()).allSatisfy(kind -> assertThat(ImageKinds.named(kind.name())).isSameAs(kind));
        assertThat(ImageKinds.named("iso")).isNull();
        assertThat(ImageKinds.describe("live-kiwi")).isEqualTo("live (kiwi)");
        assertThat(ImageKinds.all()).filteredOn(ImageKind::readsKickstart).extracting(ImageKind::name)
            .containsExactly("live", "dvd");
    }

    @Test
    void eachKindMakesItsOwnCommandAndNamesItsProduct() throws Exception {
        Path work = Path.of("/var/lib/fbs/work/builds/3");
        assertThat(command(BOOT, work)).isInstanceOf(LoraxCommand.class);
        assertThat(command(LIVE, work)).isInstanceOf(LiveMediaCreatorCommand.class);
        assertThat(command(KIWI, work)).isInstanceOf(KiwiCommand.class);
        assertThat(command(DVD, work)).isInstanceOf(PungiCommand.class);
        assertThat(command(BOOT, work).input()).isNull();
        assertThat(command(KIWI, work).inputText(null)).isEqualTo("%packages\n%end\n");
        assertThat(command(LIVE, work).inputText("flat\n")).isEqualTo("flat\n");

        BuildSpec named = SpecParser.fromJson(DVD.copy().put("dvd", KS.copy().put("name", "Remix")));
        assertThat(ImageKinds.of(named).product(named)).isEqualTo("Remix");
        BuildSpec boot = SpecParser.fromJson(BOOT.copy().put("boot", new JsonObject().put("product", "Spin")));
        assertThat(ImageKinds.of(boot).product(boot)).isEqualTo("Spin");
        BuildSpec live = SpecParser.fromJson(LIVE);
        assertThat(ImageKinds.of(live).product(live)).isEqualTo("Fedora");
    }

    private static ImageCommand command(JsonObject request, Path work) throws Exception {
        BuildSpec spec = SpecParser.fromJson(request);
        return ImageKinds.of(spec).command(spec, work, null, ToolSetup.of("tool"));
    }

    /**
     * pungi's pungi/scripts/pungi.py prints get_full_version() for --version ("4.3.2"); 4.8 cut the script down to the
     * gather phase. Without a version number, the options it lists tell (only the legacy script has --all-stages).
     */
    @Test
    void aWorkersPungiBuildsDvdsOnlyWhenItIsTheLegacyScriptBefore48() {
        ImageKind dvd = ImageKinds.named("dvd");

        assertThat(dvd.capability(answers("4.3.2", null))).isEqualTo(Capability.available("4.3.2"));
        assertThat(dvd.capability(answers("4.7.99", null)).usable()).isTrue();
        assertThat(dvd.capability(answers("4.8.0", null)).problem())
            .isEqualTo("its pungi (4.8.0) only gathers packages (pungi 4.8 and later)");
        assertThat(dvd.capability(answers("4.10.1", null)).usable()).isFalse();
        assertThat(dvd.capability(answers("5.0", null)).usable()).isFalse();
        assertThat(dvd.capability(answers("unknown", "usage: pungi [-h] [--version] [--destdir DESTDIR] -G"))
            .usable()).isFalse();
        assertThat(dvd.capability(answers("unknown", "usage: pungi [--destdir DESTDIR] [--all-stages] [-G]"))
            .usable()).isTrue();
        assertThat(dvd.capability(answers(null, null)).usable()).as("says nothing: taken for the legacy script")
            .isTrue();
        assertThat(dvd.noWorkerReason("x86_64/41")).isEqualTo("no worker online has a pungi that builds DVDs for"
            + " x86_64/41");
        assertThat(ImageKinds.named("boot").noWorkerReason("s390x/41"))
            .isEqualTo("no worker online can build boot for s390x/41");
    }

    @Test
    void theOtherToolsAreAvailableWhenFoundAndSayTheirVersion() {
        assertThat(ImageKinds.named("boot").capability(new ToolAnswers(Map.of("-V", "lorax-46.0\n"))))
            .isEqualTo(Capability.available("lorax-46.0"));
        assertThat(ImageKinds.named("live").capability(new ToolAnswers(Map.of())).usable()).isTrue();
        assertThat(ImageKinds.named("live-kiwi").capability(new ToolAnswers(Map.of("--version",
            "KIWI (next generation) version 9.24.48")))).isEqualTo(Capability.available(
                "KIWI (next generation) version 9.24.48"));
        assertThat(ToolAnswers.majorMinor("lorax-46.0")).containsExactly(46, 0);
        assertThat(ToolAnswers.majorMinor("pungi 0.fbs.standin")).isNull();
    }

    private static ToolAnswers answers(String version, String help) {
        Map<String, String> said = new java.util.HashMap<>();
        if (version != null) {
            said.put("--version", version);
        }
        if (help != null) {
            said.put("--help", help);
        }
        return new ToolAnswers(said);
    }
}
