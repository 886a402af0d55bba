package org.fbs.build;

import java.io.IOException;

/** What a compose needs to read of the kickstart's repositories before it runs ({@link RepoReader}). Blocking. */
public interface Repositories {

    /** The groups of the repository at {@code baseUrl} ({@link Comps#NONE} when its metadata names no comps). */
    Comps comps(String baseUrl) throws IOException;

    /** The base URL of the first mirror a mirror list (or metalink) names. */
    String mirror(String mirrorlistUrl) throws IOException;
}
