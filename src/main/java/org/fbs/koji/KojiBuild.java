package org.fbs.koji;

import java.util.Map;
import java.util.regex.Pattern;

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

    /** What Koji's names, versions, releases, arches and volumes are made of; nothing that walks a path. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+~^][A-Za-z0-9._+~^-]*");

    static KojiBuild from(Map<?, ?> info) throws KojiException {
        try {
            Object volume = info.get("volume_name");
            return new KojiBuild(((Number) info.get("id")).longValue(), (String) info.get("nvr"),
                name(info, "package_name"), name(info, "version"), name(info, "release"),
                ((Number) info.get("state")).intValue(), volume == null ? null : name(info, "volume_name"));
        } catch (ClassCastException | NullPointerException e) {
            throw new KojiException("Koji's getBuild answer lacks a field FBS needs: " + info.keySet());
        }
    }

    /**
     * A field that becomes part of a URL path or a file name, checked: the hub's answer must not lead a download
     * or a file anywhere else.
     */
    static String name(Map<?, ?> info, String field) throws KojiException {
        Object value = info.get(field);
        if (!(value instanceof String s) || !NAME.matcher(s).matches()) {
            throw new KojiException("Koji's answer has an unusable " + field + ": " + value);
        }
        return s;
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
