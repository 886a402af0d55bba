package org.fbs.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbs.build.ImageKinds;
import org.fbs.build.KiwiCommand;
import org.fbs.build.LiveMediaCreatorCommand;
import org.fbs.build.LoraxCommand;
import org.fbs.build.PungiCommand;
import org.fbs.config.WorkerSettings;
import org.fbs.spec.BuildSpec;

/**
 * What the image stage runs for one build: the tool (its {@code worker.tools} name), its argument list, the input
 * file it reads (a kickstart or kiwi description, written first; null for lorax) and where its ISOs land.
 */
record ImageJob(String tool, List<String> arguments, Path input, String inputText, IsoFinder isos) {

    /** Lists the ISOs the tool wrote. Blocking. */
    interface IsoFinder {
        List<Path> find() throws IOException;
    }

    /**
     * The job for {@code spec}, in {@code dir}, with the side repository (or null).
     *
     * @param flatKickstart the flattened kickstart for livemedia-creator and pungi, else null
     */
    static ImageJob of(BuildSpec spec, Path dir, Path sideRepo, WorkerSettings settings, String flatKickstart) {
        String kind = ImageKinds.of(spec);
        String tool = ImageKinds.TOOLS.get(kind);
        String program = settings.tool(tool);
        return switch (kind) {
            case ImageKinds.LIVE -> {
                LiveMediaCreatorCommand lmc = new LiveMediaCreatorCommand(program, spec, dir, sideRepo);
                yield new ImageJob(tool, lmc.arguments(), lmc.kickstartFile(), lmc.kickstart(flatKickstart),
                    () -> existing(lmc.iso()));
            }
            case ImageKinds.LIVE_KIWI -> {
                KiwiCommand kiwi = new KiwiCommand(program, spec, dir, sideRepo);
                yield new ImageJob(tool, kiwi.arguments(), kiwi.descriptionFile(), spec.live().kickstart().text(),
                    kiwi::isos);
            }
            case ImageKinds.DVD -> {
                PungiCommand pungi = new PungiCommand(program, spec, dir, sideRepo);
                yield new ImageJob(tool, pungi.arguments(), pungi.kickstartFile(), pungi.kickstart(flatKickstart),
                    pungi::isos);
            }
            default -> {
                LoraxCommand lorax = new LoraxCommand(program, spec, dir, sideRepo);
                yield new ImageJob(tool, lorax.arguments(), null, null, () -> existing(lorax.bootIso()));
            }
        };
    }

    /** Whether the tool reads a kickstart that FBS must flatten first. */
    static boolean readsKickstart(BuildSpec spec) {
        String kind = ImageKinds.of(spec);
        return kind.equals(ImageKinds.LIVE) || kind.equals(ImageKinds.DVD);
    }

    private static List<Path> existing(Path iso) {
        return Files.isRegularFile(iso) ? List.of(iso) : List.of();
    }
}
