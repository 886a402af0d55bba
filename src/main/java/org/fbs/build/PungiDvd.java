package org.fbs.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 */
final class PungiDvd implements ImageKind {

    static final String VERSION_FLAG = "--version";
    static final String HELP_FLAG = "--help";
    /** The first pungi whose pungi script only gathers packages. */
    static final int[] GATHER_ONLY_SINCE = {4, 8};

    @Override
    public String name() {
        return ImageKinds.DVD;
    }

    @Override
    public boolean builds(ImageType type, String tool) {
        return type == ImageType.DVD;
    }

    @Override
    public String tool() {
        return "pungi";
    }

    @Override
    public String defaultProgram() {
        return "/usr/bin/pungi";
    }

    @Override
    public List<String> probeFlags() {
        return List.of(VERSION_FLAG, HELP_FLAG);
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
            gatherOnly = number[0] > GATHER_ONLY_SINCE[0]
                || number[0] == GATHER_ONLY_SINCE[0] && number[1] >= GATHER_ONLY_SINCE[1];
        } else {
            String help = answers.said(HELP_FLAG);
            gatherOnly = help != null && help.contains("--destdir") && !help.contains("--all-stages");
        }
        if (gatherOnly) {
            return Capability.unavailable(version, "its pungi (" + (version == null ? "no version said" : version)
                + ") only gathers packages (pungi 4.8 and later); DVDs need the legacy pungi before 4.8");
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
        String name = name(dvd);
        String iso = isoName(spec);
        if (!StagedNames.stageable(iso)) {
            String key = StagedNames.stageable(name) ? "version" : "name";
            refused.add("[dvd] " + key + ": pungi would name the DVD '" + iso + "', which cannot be staged (a file"
                + " name takes letters, digits, dots, dashes, underscores and plus signs, not starting with a dot)");
        }
        return refused;
    }

    /** NAME[-FLAVOR]-VERSION-ARCH-DVD.iso: pungi's iso_basename (family, then variant) and its DVD suffix. */
    static String isoName(BuildSpec spec) {
        DvdOptions dvd = spec.dvd();
        return name(dvd) + (dvd.flavor() == null ? "" : "-" + dvd.flavor()) + "-"
            + Objects.requireNonNullElse(dvd.version(), spec.release()) + "-" + spec.arch() + "-DVD.iso";
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
        return new PungiCommand(setup.program(), spec, workDir, sideRepo);
    }

    @Override
    public String product(BuildSpec spec) {
        return name(spec.dvd());
    }
}
