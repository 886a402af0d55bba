package org.fbs.build;

import org.fbs.spec.KickstartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.DvdOptions;

/**
 * A dvd spec built by a local pungi-koji compose (pungi 4.8 and later), as an argument list. Options from pungi 4.9
 * {@code pungi/scripts/pungi_koji.py} {@code main()}: {@code --config} is required, and one of {@code --target-dir}
 * (an existing dir, in which pungi names the compose) or {@code --compose-dir} (the compose itself: FBS names it);
 * a production compose needs {@code --label} or {@code --no-label}, so FBS runs a {@code --test} compose, which is
 * what a one-off build is; {@code --no-latest-link} keeps pungi from linking {@code latest-*} beside it;
 * {@code --just-phase} takes a phase name and may repeat. The worker chooses every path.
 *
 * <p>The compose writes its ISOs to {@code COMPOSE/compose/VARIANT/ARCH/iso/} (and {@code .../source/iso/} for the
 * source ISO), the layout of {@code pungi/paths.py}, named as the legacy script named them
 * ({@link PungiComposeConfig#imageNameFormat()}), so that both routes stage the same files for a spec.
 *
 * @param sideRepo  the side repository (a createrepo_c repo dir), or null: one more package repository
 * @param nomacboot whether lorax (buildinstall) is told not to make the Mac boot image (no hfsplus-tools)
 * @param repositories reads the kickstart's repositories: their comps (for its {@code @group} lines) and mirror lists
 */
public record PungiKojiCommand(String program, BuildSpec spec, Path workDir, Path sideRepo, boolean nomacboot,
                               Repositories repositories) implements KickstartCommand {

    /** A command that reads the repositories over the network ({@link RepoReader#standard()}). */
    public PungiKojiCommand(String program, BuildSpec spec, Path workDir, Path sideRepo, boolean nomacboot) {
        this(program, spec, workDir, sideRepo, nomacboot, RepoReader.standard());
    }

    /** Every phase that a stage of the legacy script needs, in a compose that starts empty. */
    static final Map<String, List<String>> STAGE_PHASES = Map.of(
        "-G", List.of("init", "pkgset", "gather"),
        "-C", List.of("init", "pkgset", "gather", "createrepo"),
        "-B", List.of("init", "pkgset", "buildinstall"));

    /** The kickstart is not pungi-koji's input, but it is the build's: it is staged with the images, as ever. */
    @Override
    public String kickstartName() {
        return "dvd.ks";
    }

    public Path configDir() {
        return workDir.resolve("pungi-config");
    }

    public Path configFile() {
        return configDir().resolve("fbs-dvd.conf");
    }

    public Path composeDir() {
        return workDir.resolve("pungi-compose");
    }

    @Override
    public String tool() {
        return DvdRoute.COMPOSE.tool();
    }

    /**
     * The config, the variants and the comps files the compose reads, from the flattened kickstart; its groups are
     * taken from its repositories' comps ({@link DvdGroups}: blocking, it reads them). Logs what it leaves out.
     *
     * @throws KickstartException a group the kickstart asks for is in no repository's comps, or their comps cannot be
     *                            read
     */
    @Override
    public Map<Path, String> supportFiles(String flattened, Consumer<String> log) throws KickstartException {
        DvdKickstart ks = DvdKickstart.read(flattened).expanded(version(), spec.arch());
        // pungi's repos package set takes base URLs only (pkgset_repos); the legacy pungi (yum) took mirror lists
        // too: each becomes its first mirror, as dnf would try it first
        List<String> mirrors = new ArrayList<>();
        for (String list : ks.mirrorlists()) {
            try {
                String mirror = repositories.mirror(list);
                mirrors.add(mirror);
                log.accept("kickstart mirror list " + list + ": the compose reads base URLs only (pungi's"
                    + " pkgset_repos), so it takes its first mirror, " + mirror);
            } catch (IOException e) {
                throw new KickstartException(Secrets.mask("kickstart mirror list " + list + ": a compose reads base"
                    + " URLs only (pungi's pkgset_repos) and this list could not be read for one (" + e.getMessage()
                    + "); give the repository a --baseurl (url --url) instead"));
            }
        }
        ks = ks.withMirrors(mirrors);
        DvdGroups groups = DvdGroups.of(ks, repositories);
        groups.notes().forEach(log);
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(configFile(), config(ks).text());
        files.put(configDir().resolve("fbs-variants.xml"), PungiComposeFiles.variants(variant(), spec.arch(),
            PungiComposeFiles.variantGroups(ks.packages(), groups.groups())));
        files.put(configDir().resolve("fbs-comps.xml"), PungiComposeFiles.comps(name(), ks.packages(),
            groups.groups()));
        return files;
    }

    /** The pungi configuration for the kickstart {@code ks}. */
    public PungiComposeConfig config(DvdKickstart ks) {
        DvdOptions dvd = spec.dvd();
        List<String> repos = new ArrayList<>(ks.repos());
        if (sideRepo != null) {
            repos.add("file://" + sideRepo);
        }
        return new PungiComposeConfig(name(), shortName(name()), version(), spec.arch(), repos,
            configDir().resolve("fbs-variants.xml").toString(), configDir().resolve("fbs-comps.xml").toString(),
            dvd.bugurl(), nomacboot, dvd.sourceisos() && !dvd.nosource(), ks.excluded(), PungiDvd.isoBaseName(dvd));
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add("dvd route: a pungi-koji compose (" + program + ")");
        if (spec.dvd().force()) {
            notes.add("[dvd] force: not passed; every compose starts in a new folder");
        }
        if ("-I".equals(spec.dvd().stage())) {
            notes.add("[dvd] stage -I: the whole compose runs, since its createiso phase needs the others' results");
        }
        return notes;
    }

    @Override
    public List<String> arguments() {
        List<String> args = new ArrayList<>(List.of(program,
            "--config", configFile().toString(),
            "--compose-dir", composeDir().toString(),
            "--test",
            "--no-latest-link"));
        for (String phase : STAGE_PHASES.getOrDefault(Objects.requireNonNullElse(spec.dvd().stage(), "all"),
            List.of())) {
            args.add("--just-phase");
            args.add(phase);
        }
        return List.copyOf(args);
    }

    /** Every ISO of the compose: those in its {@code iso} folders. Blocking. */
    @Override
    public List<Path> isos() throws IOException {
        Path images = composeDir().resolve("compose");
        if (!Files.isDirectory(images)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(images)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".iso") && Files.isRegularFile(f)
                    && f.getParent().getFileName().toString().equals("iso"))
                .sorted().toList();
        }
    }

    private String name() {
        return Objects.requireNonNullElse(spec.dvd().name(), "Fedora");
    }

    private String version() {
        return Objects.requireNonNullElse(spec.dvd().version(), spec.release());
    }

    /** The variant uid: the flavor (letters and digits, checked at submit) or the default. */
    public String variant() {
        return Objects.requireNonNullElse(spec.dvd().flavor(), PungiComposeFiles.DEFAULT_VARIANT);
    }

    /** pungi's release_short: the name's letters, digits and dashes ("Fedora"). */
    static String shortName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9-]", "");
        return s.isEmpty() ? "Fedora" : s;
    }
}
