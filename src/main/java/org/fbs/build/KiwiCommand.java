package org.fbs.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fbs.spec.BuildSpec;

/**
 * The kiwi-ng command line for a live spec whose tool is kiwi: {@code system build} of the description that came
 * with the build, for type iso and the spec's profile, as an argument list. The worker chooses every path.
 *
 * @param workDir  the build's own folder: the description and the target dir go inside it
 * @param sideRepo the side repository (a createrepo_c repo dir), or null; kiwi gets it with --add-repo
 */
public record KiwiCommand(String program, BuildSpec spec, Path workDir, Path sideRepo) implements ImageCommand {

    /** The name the description file gets in its folder, whatever it was called where it came from. */
    public static final String KIWI_FILE = "Fedora.kiwi";

    public Path descriptionDir() {
        return workDir.resolve("kiwi-description");
    }

    public Path descriptionFile() {
        return descriptionDir().resolve(KIWI_FILE);
    }

    /** Fresh inside the work dir, so kiwi never meets an old image root. */
    public Path targetDir() {
        return workDir.resolve("kiwi-out");
    }

    @Override
    public Path input() {
        return descriptionFile();
    }

    /** The kiwi description that came with the build, as it came: kiwi reads no kickstart. */
    @Override
    public String inputText(String flattened) {
        return spec.live().kickstart().text();
    }

    @Override
    public List<String> arguments() {
        List<String> args = new ArrayList<>(List.of(program, "--type=iso"));
        if (spec.live().kiwiProfile() != null) {
            args.add("--profile=" + spec.live().kiwiProfile());
        }
        args.addAll(List.of("--kiwi-file=" + KIWI_FILE,
            "system", "build",
            "--description", descriptionDir().toString(),
            "--target-dir", targetDir().toString()));
        if (sideRepo != null) {
            // Priority 1 (the highest) so that the Koji builds win over the release's packages of the same name.
            args.add("--add-repo=file://" + sideRepo + ",rpm-md," + SideRepoLine.NAME + ",1");
        }
        return List.copyOf(args);
    }

    /** The ISOs kiwi wrote: IMAGE.ARCH-VERSION.iso at the top of the target dir. Blocking. */
    @Override
    public List<Path> isos() throws IOException {
        try (Stream<Path> files = Files.list(targetDir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".iso") && Files.isRegularFile(f))
                .sorted().toList();
        }
    }
}
