package org.fbs.koji;

import java.util.Map;

/**
 * The fields of a Koji {@code getBuild} answer that the side repository needs.
 *
 * @param packageName the build's package (the source package): the NAME in the download path
 * @param state       Koji's build state, an int: 0 BUILDING, 1 COMPLETE, 2 DELETED, 3 FAILED, 4 CANCELED
 * @param volumeName  where the build's files live; {@code DEFAULT} means the top of {@code topurl}
 */
record KojiBuild(long id, String nvr, String packageName, String version, String release, int state,
                 String volumeName) {

    static final int COMPLETE = 1;
    private static final String[] STATES = {"BUILDING", "COMPLETE", "DELETED", "FAILED", "CANCELED"};

    static KojiBuild from(Map<?, ?> info) throws KojiException {
        try {
            return new KojiBuild(((Number) info.get("id")).longValue(), (String) info.get("nvr"),
                (String) info.get("package_name"), (String) info.get("version"), (String) info.get("release"),
                ((Number) info.get("state")).intValue(), (String) info.get("volume_name"));
        } catch (ClassCastException | NullPointerException e) {
            throw new KojiException("Koji's getBuild answer lacks a field FBS needs: " + info.keySet());
        }
    }

    String stateName() {
        return state >= 0 && state < STATES.length ? STATES[state] : "state " + state;
    }

    /** The folder of the build's packages: {@code [vol/VOLUME/]packages/NAME/VERSION/RELEASE/}. */
    String packagesPath() {
        String volume = volumeName == null || volumeName.equals("DEFAULT") ? "" : "vol/" + volumeName + "/";
        return volume + "packages/" + packageName + "/" + version + "/" + release + "/";
    }
}
