package org.fbs.koji;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fbs.spec.KojiPackages;

/** Turns the requested NVRs and build ids into the RPMs to fetch for one arch, as Koji lays them out. */
final class KojiResolver {

    private final KojiHub hub;
    private final URI topurl;

    KojiResolver(KojiHub hub, URI topurl) {
        this.hub = hub;
        this.topurl = topurl;
    }

    /**
     * The RPMs of every requested build for {@code arch} and noarch, without debuginfo and debugsource, each
     * once. Fails naming the first build that does not exist or is not COMPLETE.
     */
    List<RemoteRpm> resolve(KojiPackages packages, String arch) throws KojiException, IOException,
        InterruptedException {
        List<Object> wanted = new ArrayList<>(packages.nvrs());
        wanted.addAll(packages.buildIds());
        Map<Long, KojiBuild> builds = new LinkedHashMap<>();
        for (Object key : wanted) {
            String named = key instanceof Long ? "Koji build id " + key : "Koji build " + key;
            KojiBuild build = hub.getBuild(key);
            if (build == null) {
                throw new KojiException(named + " does not exist");
            }
            if (build.state() != KojiBuild.COMPLETE) {
                throw new KojiException(named + " (" + build.nvr() + ") is " + build.stateName()
                    + ", not COMPLETE");
            }
            builds.putIfAbsent(build.id(), build);
        }
        String kojiArch = kojiArch(arch);
        Map<String, RemoteRpm> rpms = new LinkedHashMap<>();
        for (KojiBuild build : builds.values()) {
            List<KojiRpm> listed = hub.listRPMs(build.id(), List.of(kojiArch, "noarch"));
            int before = rpms.size();
            for (KojiRpm rpm : listed) {
                if ((rpm.arch().equals(kojiArch) || rpm.arch().equals("noarch")) && !rpm.isDebug()) {
                    rpms.putIfAbsent(rpm.nvra(), new RemoteRpm(rpm.nvra(), rpm.size(),
                        url(build.packagesPath() + rpm.arch() + "/" + rpm.nvra() + ".rpm")));
                }
            }
            if (rpms.size() == before) {
                throw new KojiException("Koji build " + build.nvr() + " has no " + kojiArch + " or noarch packages");
            }
        }
        return List.copyOf(rpms.values());
    }

    /** The URL of a path under topurl; characters a URL cannot hold (a version's ^ or ~) are %-encoded. */
    private URI url(String path) throws KojiException {
        try {
            return new URI(topurl.getScheme(), topurl.getAuthority(), topurl.getPath() + path, null, null);
        } catch (URISyntaxException e) {
            throw new KojiException("cannot form a download URL for " + path + ": " + e.getMessage());
        }
    }

    /** Fedora's armhfp images are made of Koji's armv7hl packages. */
    static String kojiArch(String arch) {
        return arch.equals("armhfp") ? "armv7hl" : arch;
    }
}
