package org.fbs.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.DvdOptions;

/**
 * The pungi (pungi-legacy) command line for a dvd spec, as an argument list. The worker chooses every path: the
 * spec's destdir, cachedir and workdir never reach it. Only the legacy full-DVD script takes it (pungi before 4.8,
 * {@code pungi/scripts/pungi.py} of pungi 4.3.2: {@code --name}, {@code --ver}, {@code --flavor}, {@code --bugurl},
 * {@code --all-stages}, {@code -G/-C/-B/-I}, {@code --sourceisos}); pungi 4.8 cut that script down to the gather
 * phase, so workers with it do not build DVDs (see {@link PungiDvd#capability}).
 *
 * @param workDir  the build's own folder: the kickstart, dest dir and cache dir go inside it
 * @param sideRepo the side repository (a createrepo_c repo dir), or null; it goes into the kickstart
 */
public record PungiCommand(String program, BuildSpec spec, Path workDir, Path sideRepo) implements KickstartCommand {

    public static final String ALL_STAGES = "all";

    /** The kickstart pungi reads (-c). */
    @Override
    public String kickstartName() {
        return "dvd.ks";
    }

    @Override
    public List<String> notes() {
        return List.of("dvd route: the legacy pungi script (" + program + ")");
    }

    public Path destDir() {
        return workDir.resolve("pungi-dest");
    }

    @Override
    public List<String> arguments() {
        DvdOptions dvd = spec.dvd();
        List<String> args = new ArrayList<>(List.of(program,
            "-c", kickstartFile().toString(),
            "--name", Objects.requireNonNullElse(dvd.name(), "Fedora"),
            "--ver", Objects.requireNonNullElse(dvd.version(), spec.release())));
        if (dvd.flavor() != null) {
            args.add("--flavor");
            args.add(dvd.flavor());
        }
        args.addAll(List.of(
            "--destdir", destDir().toString(),
            "--cachedir", workDir.resolve("pungi-cache").toString()));
        if (dvd.bugurl() != null) {
            args.add("--bugurl");
            args.add(dvd.bugurl());
        }
        if (dvd.nosource()) {
            args.add("--nosource");
        }
        if (dvd.sourceisos()) {
            args.add("--sourceisos");
        }
        if (dvd.force()) {
            args.add("--force");
        }
        args.add(dvd.stage() == null || ALL_STAGES.equals(dvd.stage()) ? "--all-stages" : dvd.stage());
        return List.copyOf(args);
    }

    /**
     * The ISOs pungi wrote: those in its {@code iso} folders (ARCH/iso/ and source/iso/ under DEST/VERSION/FLAVOR).
     * The boot.iso inside the tree is part of the tree, not a result of its own. Blocking.
     */
    @Override
    public List<Path> isos() throws IOException {
        if (!Files.isDirectory(destDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(destDir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".iso") && Files.isRegularFile(f)
                    && f.getParent().getFileName().toString().equals("iso"))
                .sorted().toList();
        }
    }
}
