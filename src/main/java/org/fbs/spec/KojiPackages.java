package org.fbs.spec;

import java.util.List;

/**
 * Extra packages from Koji (the keys {@code nvr} and {@code bid}); they go into a side repository that the image
 * tool sees next to the release's own repositories.
 *
 * @param nvrs     Koji builds as name-version-release
 * @param buildIds Koji builds by numeric id
 */
public record KojiPackages(List<String> nvrs, List<Long> buildIds) {

    public static final KojiPackages NONE = new KojiPackages(List.of(), List.of());

    public KojiPackages {
        nvrs = List.copyOf(nvrs);
        buildIds = List.copyOf(buildIds);
    }

    public boolean isEmpty() {
        return nvrs.isEmpty() && buildIds.isEmpty();
    }
}
