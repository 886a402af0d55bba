package org.fbs.master;

import org.fbs.auth.Caller;
import org.fbs.build.ImageKinds;
import org.fbs.spec.BuildSpec;

/**
 * Which builds run their owner's code as root on a worker. livemedia-creator --no-virt runs the kickstart's
 * {@code %pre} and {@code %post --nochroot} on the host and its {@code %post} and every package scriptlet (from any
 * {@code repo} it names) in a chroot that root can leave; kiwi-ng runs a description's scripts and scriptlets the
 * same way; pungi installs packages from the kickstart's repos. Only lorax (boot) takes nothing but options. Such a
 * build of an owner who is not trusted (an admin, a member of {@code master.auth.trusted-group}; the local admin
 * in local mode) must run on a worker whose {@code worker.isolation} covers its kind, or not at all.
 */
final class OwnerCode {

    private OwnerCode() {
    }

    /** Whether a build of {@code kind} runs code its owner wrote. */
    static boolean runs(String kind) {
        return !ImageKinds.BOOT.equals(kind);
    }

    static boolean needsIsolation(BuildSpec spec, Caller caller) {
        return runs(ImageKinds.of(spec).name()) && !caller.trusted();
    }

    /** Why an untrusted owner's build cannot be taken: for the 403 at submit and the reason of a waiting build. */
    static String noIsolation(String kind, String where) {
        return "no online worker for " + where + " isolates " + ImageKinds.describe(kind) + " builds, and your "
            + ImageKinds.describe(kind) + " kickstart would run as root on the worker: only admins and members of"
            + " master.auth.trusted-group may run it there. An operator can add you to that group, or run a worker"
            + " with worker.isolation: virt (it isolates livemedia-creator live builds)";
    }
}
