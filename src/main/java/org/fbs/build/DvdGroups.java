package org.fbs.build;

import org.fbs.spec.KickstartException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A dvd kickstart's {@code @group} lines, resolved against the comps of its repositories, for the comps file of a
 * compose (pungi-koji gathers a variant's groups from the comps file it is given, not from the repositories).
 *
 * <p>Matched to the legacy route, which read groups from the repositories itself (pungi 4.3.2 {@code pungi/gather.py},
 * {@code getPackagesFromGroup} and {@code getPackageObjects}): a group takes its mandatory packages, its default ones
 * unless {@code --nodefaults}, its optional ones with {@code --optional}; an environment ({@code @^env}) is not read at
 * all (that gather code looks only at the kickstart's group list), so neither route puts one on the DVD and the log
 * says so. A group no repository defines: the legacy script logs {@code Group NAME not found in comps!} and builds
 * the DVD without it; FBS refuses the build instead, naming the group, so that a DVD never silently lacks what its
 * kickstart asks for, unless {@code %packages --ignoremissing} asks to go on (anaconda's meaning), when it logs the
 * legacy line and leaves the group out as the legacy script does.
 *
 * @param groups the groups to write into the compose's comps, each with only the packages it takes
 * @param notes  lines for the build log
 */
public record DvdGroups(List<Comps.Group> groups, List<String> notes) {

    public static final DvdGroups NONE = new DvdGroups(List.of(), List.of());

    /**
     * Reads the comps of every repository of {@code ks} (only when it names a group) and resolves its groups.
     *
     * @throws KickstartException a group is defined nowhere (without {@code --ignoremissing}), or a repository's
     *                            groups cannot be read
     */
    public static DvdGroups of(DvdKickstart ks, Repositories reader) throws KickstartException {
        List<String> notes = new ArrayList<>();
        for (String env : ks.environments()) {
            notes.add("kickstart environment @^" + env + ": not on the DVD; pungi takes no environment from a"
                + " kickstart (the legacy pungi's gather reads only its groups), so neither route gathers one: name"
                + " its groups with @group lines");
        }
        if (ks.groups().isEmpty()) {
            return new DvdGroups(List.of(), List.copyOf(notes));
        }
        Comps comps = Comps.NONE;
        for (String repo : ks.repos()) {
            try {
                comps = comps.and(reader.comps(repo));
            } catch (IOException e) {
                throw new KickstartException(Secrets.mask("kickstart repository " + repo + ": its groups (the comps"
                    + " its repodata/repomd.xml names) could not be read, and the kickstart asks for @"
                    + ks.groups().get(0).id() + ": " + e.getMessage()));
            }
        }
        List<Comps.Group> groups = new ArrayList<>();
        for (DvdKickstart.GroupRequest request : ks.groups()) {
            Comps.Group group = comps.groups().get(request.id());
            if (group == null) {
                if (!ks.ignoreMissing()) {
                    // the reason reaches the build page and mails: repository passwords masked
                    throw new KickstartException(Secrets.mask("kickstart group @" + request.id() + ": no repository"
                        + " of the kickstart defines it in its comps (" + String.join(", ", ks.repos()) + "); the"
                        + " legacy pungi would log \"Group " + request.id() + " not found in comps!\" and leave it"
                        + " off the DVD, FBS stops instead: correct the group's id, or add --ignoremissing to"
                        + " %packages to build without it"));
                }
                notes.add("Group " + request.id() + " not found in comps! (kickstart group @" + request.id()
                    + " is in no repository's comps; left off the DVD, as %packages --ignoremissing asks)");
                continue;
            }
            List<Comps.PackageReq> taken = group.packages().stream().filter(p -> request.takes(p.type())).toList();
            if (taken.isEmpty()) {
                notes.add("kickstart group @" + request.id() + ": none of its packages is taken (it has no mandatory"
                    + " ones" + (request.defaults() ? " nor default ones" : "") + "); nothing of it on the DVD");
                continue;
            }
            groups.add(new Comps.Group(group.id(), group.name(), group.description(), taken));
        }
        return new DvdGroups(List.copyOf(groups), List.copyOf(notes));
    }

    public List<String> ids() {
        return groups.stream().map(Comps.Group::id).toList();
    }
}
