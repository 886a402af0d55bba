package org.fbs.build;

import java.nio.file.Path;

/** The kickstart {@code repo} line that makes the build's side repository visible to the image tool. */
public final class SideRepoLine {

    public static final String NAME = "fbs-side";

    private SideRepoLine() {
    }

    /**
     * {@code kickstart} with the side repository as its first command; unchanged when there is none. First,
     * because a command after a {@code %packages} section that is never closed would be read as a package.
     */
    public static String addTo(String kickstart, Path sideRepo) {
        if (sideRepo == null) {
            return kickstart;
        }
        return "# Added by FBS: the extra packages of this build, from Koji\n"
            + "repo --name=" + NAME + " --baseurl=file://" + sideRepo + "\n" + kickstart;
    }
}
