package org.fbs.build;

import java.util.regex.Pattern;

/**
 * The file names our staging takes ({@link org.fbs.staging.StagingFolder#put}: letters, digits, dots, dashes,
 * underscores and plus signs, not starting with a dot). A tool that would name its image otherwise makes a build
 * that fails after the image ran, so such specs are refused at submit.
 */
final class StagedNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._+-]+");

    private StagedNames() {
    }

    static boolean stageable(String name) {
        return NAME.matcher(name).matches() && !name.startsWith(".");
    }
}
