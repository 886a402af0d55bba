package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.Test;

/** The kind read from a stored spec's canonical JSON is the kind of the parsed spec. */
class ImageKindsTest {

    @Test
    void theCanonicalJsonNamesTheSameKindAsTheParsedSpec() throws Exception {
        JsonObject ks = new JsonObject().put("config", "x.ks").put("kickstart", "%packages\n%end\n");
        JsonObject boot = new JsonObject().put("type", "boot").put("arch", "x86_64").put("release", "41");
        JsonObject live = boot.copy().put("type", "live").put("live", ks.copy());
        JsonObject kiwi = boot.copy().put("type", "live").put("live", ks.copy().put("tool", "kiwi")
            .put("profile", "Workstation-Live").put("config", "Fedora.kiwi"));
        JsonObject dvd = boot.copy().put("type", "dvd").put("dvd", ks.copy());

        for (JsonObject request : new JsonObject[] {boot, live, kiwi, dvd}) {
            BuildSpec spec = SpecParser.fromJson(request);
            assertThat(ImageKinds.of(spec.toJson())).as(request.encode()).isEqualTo(ImageKinds.of(spec));
        }
        assertThat(ImageKinds.of(SpecParser.fromJson(kiwi).toJson())).isEqualTo(ImageKinds.LIVE_KIWI);
        assertThat(ImageKinds.of(SpecParser.fromJson(dvd).toJson())).isEqualTo(ImageKinds.DVD);
    }
}
