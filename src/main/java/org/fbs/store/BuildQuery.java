package org.fbs.store;

import org.fbs.build.BuildState;

/**
 * Which builds a listing wants, newest first. A null field does not filter.
 *
 * @param owner   only this user's builds (null: everyone's, for admins)
 * @param state   only builds in this state
 * @param type    only this image type ({@code boot}, {@code dvd}, {@code live})
 * @param arch    only this arch
 * @param release only this release
 * @param limit   at most this many
 */
public record BuildQuery(String owner, BuildState state, String type, String arch, String release, int limit) {

    public static BuildQuery all(int limit) {
        return new BuildQuery(null, null, null, null, null, limit);
    }

    public BuildQuery inState(BuildState s) {
        return new BuildQuery(owner, s, type, arch, release, limit);
    }

    public BuildQuery ownedBy(String user) {
        return new BuildQuery(user, state, type, arch, release, limit);
    }
}
