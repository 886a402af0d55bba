package org.fbs.spec;

import java.util.List;
import java.util.Objects;

/** The [dvd] section: pungi's options and the kickstart it reads. */
final class DvdSection {

    static final List<String> KEYS = List.of("name", "version", "flavor", "bugurl", "nosource", "sourceisos", "force",
        "stage", KickstartKeys.CONFIG, KickstartKeys.KICKSTART);
    private static final List<String> STAGES = List.of("all", "-G", "-C", "-B", "-I");

    private DvdSection() {
    }

    /** The options, or null when [DEFAULT] or the kickstart keys were too broken to build them. */
    static DvdOptions read(Section own, String release) {
        String name = own.name("name", "Fedora");
        String version = own.word("version", release);
        String flavor = own.word("flavor", null);
        String bugurl = own.url("bugurl", "not an http or https URL", "http", "https");
        boolean nosource = own.bool("nosource");
        boolean sourceisos = own.bool("sourceisos");
        boolean force = own.bool("force");
        String stage = Objects.requireNonNullElse(own.value("stage"), "all");
        if (!STAGES.contains(stage)) {
            own.error("stage", "expected all, -G, -C, -B or -I");
        }
        Kickstart kickstart = KickstartKeys.read(own, "kickstart.ks", true);
        if (release == null || kickstart == null) {
            return null;
        }
        return new DvdOptions(name, version, flavor, bugurl, nosource, sourceisos, force, stage, kickstart);
    }
}
