package org.fbs.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.DvdOptions;
import org.fbs.spec.ImageType;

/**
 * An installation DVD made by the legacy pungi script. Facts from pungi's {@code pungi/scripts/pungi.py}: in pungi
 * 4.3.2 it is the full-DVD script (argparse; {@code --name}, {@code --ver}, {@code --flavor}, {@code --all-stages},
 * {@code -G/-C/-B/-I}; "Variant must be alphanumeric"); pungi 4.8 cut it down to the gather phase ({@code -G} only,
 * no {@code --name}, {@code --flavor}, {@code --bugurl}, {@code --all-stages}), where {@code --ver} is taken as an
 * abbreviation of {@code --version}: it prints the version and exits 0 having built nothing. Both print
 * {@code get_full_version()} (e.g. {@code 4.3.2}) for {@code --version}.
 *
 * <p>A second route builds DVDs where only pungi 4.8+ is: a local compose with {@code pungi-koji} (see
 * {@link PungiKojiCommand}); {@link DvdRoute} says which route a worker with both takes. {@code pungi-koji --version}
 * prints the same {@code get_full_version()} ({@code pungi/scripts/pungi_koji.py}).
 */
final class PungiDvd extends ToolKind {

    static final String VERSION_FLAG = "--version";
    static final String HELP_FLAG = "--help";
    /** The first pungi whose pungi script only gathers packages. */
    static final int[] GATHER_ONLY_SINCE = {4, 8};

    PungiDvd() {
        super(ImageKinds.DVD, DvdRoute.LEGACY.tool(), "/usr/bin/pungi", VERSION_FLAG);
    }

    @Override
    public boolean builds(ImageType type, String tool) {
        return type == ImageType.DVD;
    }

    @Override
    public List<String> probeFlags() {
        return List.of(VERSION_FLAG, HELP_FLAG);
    }

    @Override
    public List<String> tools() {
        return List.of(DvdRoute.LEGACY.tool(), DvdRoute.COMPOSE.tool());
    }

    @Override
    public String defaultProgram(String tool) {
        return DvdRoute.COMPOSE.tool().equals(tool) ? "/usr/bin/pungi-koji" : defaultProgram();
    }

    @Override
    public List<String> probeFlags(String tool) {
        return DvdRoute.COMPOSE.tool().equals(tool) ? List.of(VERSION_FLAG) : probeFlags();
    }

    /**
     * The legacy route with a pungi before 4.8; the compose route with a pungi-koji of 4.8 or later (the config FBS
     * writes follows that schema) beside it. Without either, why not, naming both.
     */
    @Override
    public Capability capability(Map<String, ToolAnswers> answered, Map<String, String> problems) {
        ToolAnswers pungi = answered.get(DvdRoute.LEGACY.tool());
        ToolAnswers koji = answered.get(DvdRoute.COMPOSE.tool());
        Capability legacy = pungi == null ? null : capability(pungi);
        String kojiVersion = koji == null ? null : koji.firstLine(VERSION_FLAG);
        boolean compose = kojiVersion != null && atLeast(ToolAnswers.majorMinor(kojiVersion), GATHER_ONLY_SINCE);
        List<String> routes = new ArrayList<>();
        if (legacy != null && legacy.usable()) {
            routes.add(DvdRoute.LEGACY.tool());
        }
        if (compose) {
            routes.add(DvdRoute.COMPOSE.tool());
        }
        if (!routes.isEmpty()) {
            return Capability.available(routes.get(0).equals(DvdRoute.LEGACY.tool()) ? legacy.version() : kojiVersion,
                routes);
        }
        String pungiWhy = legacy != null ? legacy.problem() : problems.get(DvdRoute.LEGACY.tool());
        String kojiWhy = koji == null ? problems.get(DvdRoute.COMPOSE.tool())
            : "says it is " + (kojiVersion == null ? "no version" : kojiVersion) + ", not pungi 4.8 or later";
        return Capability.unavailable(legacy == null ? null : legacy.version(), pungiWhy
            + ", and its pungi-koji (worker.tools.pungi-koji) " + kojiWhy
            + "; DVDs need the legacy pungi before 4.8, or pungi-koji 4.8 or later for a compose");
    }

    private static boolean atLeast(int[] version, int[] least) {
        return version != null && (version[0] > least[0] || version[0] == least[0] && version[1] >= least[1]);
    }

    /**
     * The legacy script when its version is below 4.8. Without a version number (a pungi run from a checkout without
     * metadata prints "unknown"), its options tell: both list {@code --destdir}, only the legacy one
     * {@code --all-stages}. A pungi that says neither is taken for the legacy script, as it always was.
     */
    @Override
    public Capability capability(ToolAnswers answers) {
        String version = answers.firstLine(VERSION_FLAG);
        int[] number = ToolAnswers.majorMinor(version);
        boolean gatherOnly;
        if (number != null) {
            gatherOnly = atLeast(number, GATHER_ONLY_SINCE);
        } else {
            String help = answers.said(HELP_FLAG);
            gatherOnly = help != null && help.contains("--destdir") && !help.contains("--all-stages");
        }
        if (gatherOnly) {
            return Capability.unavailable(version, "its pungi (" + (version == null ? "no version said" : version)
                + ") only gathers packages (pungi 4.8 and later)");
        }
        return Capability.available(version);
    }

    @Override
    public String noWorkerReason(String where) {
        return "no worker online has a pungi that builds DVDs for " + where;
    }

    @Override
    public List<String> refusals(BuildSpec spec) {
        DvdOptions dvd = spec.dvd();
        List<String> refused = new ArrayList<>();
        // pungi 4.3.2 pungi/scripts/pungi.py: config variant (--flavor) must pass str.isalnum(), else
        // parser.error("Variant must be alphanumeric").
        if (dvd.flavor() != null && !dvd.flavor().chars().allMatch(Character::isLetterOrDigit)) {
            refused.add("[dvd] flavor: only letters and digits (pungi: \"Variant must be alphanumeric\")");
        }
        // A compose starts empty, so a stage that needs an earlier one's results cannot run alone (pungi_koji.py's
        // check_skip_phases: gather needs pkgset, createrepo needs gather); for the releases only composes build
        // (DvdRoute), only the stages a compose can honour are taken.
        String stage = dvd.stage();
        if (DvdRoute.composeRelease(spec.release()) && stage != null && !stage.equals(PungiCommand.ALL_STAGES)
            && !stage.equals("-G")) {
            refused.add("[dvd] stage: " + stage + " cannot be honoured for release " + spec.release() + ": its DVDs are"
                + " made by a pungi-koji compose (Fedora " + DvdRoute.COMPOSE_ONLY_SINCE + " and later have no legacy"
                + " pungi), which starts from nothing and cannot run " + stage + " without the stages before it;"
                + " use all, or -G to only gather the packages");
        }
        // Both routes fail such a build (legacy gather.py _shortenVolID: "Volume ID ... is longer than 32
        // characters"; pungi/util.py get_volid: "Could not create volume ID longer than 32 bytes"): refused here.
        String volid = volumeId(spec);
        if (volid.length() > MAX_VOLID) {
            refused.add("[dvd] name: the DVD's volume id would be '" + volid + "' (" + volid.length()
                + " characters), and pungi takes at most " + MAX_VOLID + "; use a shorter name or version");
        }
        String name = name(dvd);
        String iso = isoName(spec);
        if (!StagedNames.stageable(iso)) {
            String key = StagedNames.stageable(name) ? "version" : "name";
            refused.add("[dvd] " + key + ": pungi would name the DVD '" + iso + "', which cannot be staged (a file"
                + " name takes letters, digits, dots, dashes, underscores and plus signs, not starting with a dot)");
        }
        return refused;
    }

    /**
     * NAME[-FLAVOR]-VERSION-ARCH-DVD.iso: the legacy pungi's iso_basename (family, then variant) and its DVD suffix,
     * the names the 2012 service's users knew; the compose route is configured to write the same
     * ({@link PungiComposeConfig#imageNameFormat()}).
     */
    static String isoName(BuildSpec spec) {
        return isoBaseName(spec.dvd()) + "-" + Objects.requireNonNullElse(spec.dvd().version(), spec.release()) + "-"
            + spec.arch() + "-DVD.iso";
    }

    /** An ISO 9660 volume id's length. */
    static final int MAX_VOLID = 32;

    /**
     * NAME-VERSION-ARCH with the legacy script's shortenings ({@link PungiComposeConfig#VOLUME_ID_SUBSTITUTIONS},
     * longest first): the DVD's volume id on both routes.
     */
    static String volumeId(BuildSpec spec) {
        String volid = name(spec.dvd()) + "-" + Objects.requireNonNullElse(spec.dvd().version(), spec.release()) + "-"
            + spec.arch();
        List<String> keys = new ArrayList<>(PungiComposeConfig.VOLUME_ID_SUBSTITUTIONS.keySet());
        keys.sort(java.util.Comparator.comparingInt(String::length).reversed());
        for (String key : keys) {
            volid = volid.replace(key, (String) PungiComposeConfig.VOLUME_ID_SUBSTITUTIONS.get(key));
        }
        return volid;
    }

    /** NAME[-FLAVOR]: what every ISO name of a dvd build starts with, on both routes. */
    static String isoBaseName(DvdOptions dvd) {
        return name(dvd) + (dvd.flavor() == null ? "" : "-" + dvd.flavor());
    }

    private static String name(DvdOptions dvd) {
        return Objects.requireNonNullElse(dvd.name(), "Fedora");
    }

    @Override
    public boolean readsKickstart() {
        return true;
    }

    @Override
    public ImageCommand command(BuildSpec spec, Path workDir, Path sideRepo, ToolSetup setup) {
        if (setup.routes().isEmpty()) {
            return new PungiCommand(setup.program(), spec, workDir, sideRepo); // a setup that predates routes
        }
        DvdRoute route = DvdRoute.choose(spec, setup.routes().keySet());
        String program = setup.routes().get(route.tool());
        return route == DvdRoute.COMPOSE
            ? new PungiKojiCommand(program, spec, workDir, sideRepo, !setup.hfsplus())
            : new PungiCommand(program, spec, workDir, sideRepo);
    }

    @Override
    public String product(BuildSpec spec) {
        return name(spec.dvd());
    }
}
