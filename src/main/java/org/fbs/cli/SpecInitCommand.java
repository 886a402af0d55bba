package org.fbs.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.fbs.spec.SpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fbs spec init --type boot|dvd|live}: prints a spec to start from, every key with a comment that says what
 * it does and its default. The 2012 service promised this generator and never shipped it.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Print a commented build spec to start from, e.g. fbs spec init --type live > live.conf")
public final class SpecInitCommand implements Callable<Integer> {

    /** The image types, as the spec's type key spells them. */
    enum Type { boot, dvd, live }

    @Spec
    CommandSpec command;

    @Option(names = "--type", required = true, description = "boot, dvd or live")
    Type type;

    @Option(names = "--arch", defaultValue = "x86_64",
        description = "x86_64, aarch64, ppc64le, s390x, i686 or armhfp (default: ${DEFAULT-VALUE})")
    String arch;

    @Option(names = "--release", defaultValue = "rawhide",
        description = "a Fedora release number or rawhide (default: ${DEFAULT-VALUE})")
    String release;

    @Override
    public Integer call() {
        String spec = header() + switch (type) {
            case boot -> boot();
            case dvd -> dvd();
            case live -> live();
        };
        try {
            // What we print must pass `fbs spec check`: a bad --arch or --release is reported like any spec error.
            SpecFile.parse(spec);
        } catch (SpecException e) {
            PrintWriter err = command.commandLine().getErr();
            e.errors().forEach(error -> err.println("fbs spec init: " + error));
            return 1;
        }
        PrintWriter out = command.commandLine().getOut();
        out.print(spec);
        out.flush(); // print() does not flush, and the JVM exits without flushing a PrintWriter
        return 0;
    }

    private String header() {
        return """
            # FBS build spec: a %1$s image of Fedora %3$s for %2$s.
            # Check it:   fbs spec check FILE
            # Submit it:  curl -H 'Content-Type: text/plain' --data-binary @FILE http://MASTER:5000/api/v1/builds
            # Lines starting with # are comments. An empty value (key=) is the same as leaving the key out.
            # Keys that name folders on the worker (outdir, workdir, destdir, cachedir, tmpdir, logfile) are
            # accepted and ignored: the worker chooses every path itself.
            [DEFAULT]
            # boot, dvd or live
            type=%1$s
            # x86_64, aarch64, ppc64le, s390x, i686 or armhfp; a worker of this arch builds it
            arch=%2$s
            # a release number or rawhide; a worker of this release builds it
            release=%3$s
            # where the results go (default: kept on the worker, served next to its log):
            #   file:///absolute/path                      a folder the worker may write to
            #   ftp://[user[:password]@]host[:port]/path   an FTP server; a bare host means ftp://host/pub
            #staging=file:///srv/fbs/images
            # addresses told when the build starts and ends, comma-separated
            email=
            # extra packages from Koji for a side repository, ;-separated: NVRs and build ids
            nvr=
            bid=

            """.formatted(type, arch, release);
    }

    private String boot() {
        return """
            [boot]
            # lorax -p, -v (default: Fedora, the release)
            product=Fedora
            #version=%1$s
            # also use the updates and updates-testing repositories: 0 or 1 (default 0)
            updates=0
            updates-testing=0
            # The release repository: a base URL (lorax -s), or a metalink (lorax -m) used when there is no base
            # URL; lorax needs at least one base URL. Default: Fedora's public repository for the release and
            # arch. %1$s-updates_url/_mirror and %1$s-updates-testing_url/_mirror likewise when updates are on.
            #%1$s_url=https://dl.fedoraproject.org/pub/fedora/linux/releases/%1$s/Everything/%2$s/os/
            #%1$s_mirror=https://mirrors.fedoraproject.org/metalink?repo=fedora-%1$s&arch=%2$s
            # an http(s) proxy for lorax
            proxy=
            """.formatted(release, arch);
    }

    private String dvd() {
        return """
            [dvd]
            # pungi --name, --ver, --flavor (defaults: Fedora, the release, none); the flavor is letters and
            # digits only, and the name has no spaces (pungi names the DVD NAME-FLAVOR-VERSION-ARCH-DVD.iso)
            name=Fedora
            #version=%1$s
            #flavor=Server
            # pungi --bugurl (default: none)
            #bugurl=https://bugzilla.redhat.com
            # 0 or 1 (default 0): --nosource, --sourceisos, --force
            nosource=0
            sourceisos=0
            force=0
            # all (default), or one stage: -G (gather), -C (createrepo), -B (buildinstall), -I (createiso)
            stage=all
            # The kickstart: an http(s) URL the master fetches once (at most 1 MiB) when you submit. It must be
            # flat (ksflatten): a %%include or %%ksappend line is refused. A local path is never read; in the
            # JSON form you can send the text itself in "kickstart" instead.
            config=https://example.org/kickstarts/my-dvd.ks
            """.formatted(release);
    }

    private String live() {
        return """
            [live]
            # livemedia-creator (default) or kiwi
            tool=livemedia-creator
            # kiwi only: the image profile to build (kiwi-ng --profile)
            #profile=Workstation-Live
            # the ISO's volume label, at most 32 characters (default: PRODUCT-Live-RELEASE)
            #label=Fedora-Live-%1$s
            # title: accepted from the 2012 format, not passed (livemedia-creator has no --title since lorax 32)
            # product: livemedia-creator --project (default: Fedora)
            product=Fedora
            # livemedia-creator --releasever (default: the release; it cannot differ from it)
            #releasever=%1$s
            # The kickstart (for kiwi: the kiwi description file): an http(s) URL the master fetches once (at
            # most 1 MiB) when you submit. It must be flat (ksflatten): %%include and %%ksappend are refused.
            # A local path is never read; in the JSON form you can send the text itself in "kickstart" instead.
            config=https://example.org/kickstarts/my-live.ks
            """.formatted(release);
    }
}
