package org.fbs.build;

import java.nio.file.Path;

/**
 * A command whose tool reads the build's kickstart, which the worker writes into the build's folder first: the
 * flattened kickstart with the side repository's repo line added. The kickstart is also staged with the images.
 */
interface KickstartCommand extends ImageCommand {

    /** The build's own folder. */
    Path workDir();

    /** The side repository (a createrepo_c repo dir), or null. */
    Path sideRepo();

    /** The kickstart's file name in {@link #workDir()}. */
    String kickstartName();

    /** Where the worker writes the kickstart. */
    default Path kickstartFile() {
        return workDir().resolve(kickstartName());
    }

    /** The kickstart the tool reads, from the flattened one. */
    default String kickstart(String flattened) {
        return SideRepoLine.addTo(flattened, sideRepo());
    }

    @Override
    default Path input() {
        return kickstartFile();
    }

    @Override
    default String inputText(String flattened) {
        return kickstart(flattened);
    }
}
