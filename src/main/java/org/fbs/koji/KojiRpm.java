package org.fbs.koji;

import java.util.Map;

/** One RPM of a Koji build, from {@code listRPMs}: enough to name, fetch and check it. */
record KojiRpm(String name, String version, String release, String arch, long size) {

    static KojiRpm from(Map<?, ?> info) throws KojiException {
        try {
            return new KojiRpm(KojiBuild.name(info, "name"), KojiBuild.name(info, "version"),
                KojiBuild.name(info, "release"), KojiBuild.name(info, "arch"), ((Number) info.get("size")).longValue());
        } catch (ClassCastException | NullPointerException e) {
            throw new KojiException("Koji's listRPMs answer lacks a field FBS needs: " + info.keySet());
        }
    }

    String nvra() {
        return name + "-" + version + "-" + release + "." + arch;
    }

    /** Debug symbols and sources never belong in an image. */
    boolean isDebug() {
        return name.endsWith("-debuginfo") || name.endsWith("-debugsource") || name.contains("-debuginfo-");
    }
}
