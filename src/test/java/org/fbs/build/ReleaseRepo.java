package org.fbs.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbs.koji.TestRpms;

/**
 * A real release repository for dvd tests: tiny RPMs made by rpmbuild, and {@code createrepo_c -g comps.xml}, so that
 * its repodata/repomd.xml names a comps file (its {@code group} and {@code group_gz} entries) as Fedora's do.
 * Groups: {@code somegroup} (mandatory fbs-alpha, default fbs-beta, optional fbs-gamma) and {@code emptyish} (one
 * optional package only).
 */
public final class ReleaseRepo {

    public static final String COMPS = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">
        <comps>
          <group>
            <id>somegroup</id>
            <name>Some Group</name>
            <name xml:lang="de">Eine Gruppe</name>
            <description>Packages for the tests</description>
            <default>false</default>
            <uservisible>true</uservisible>
            <packagelist>
              <packagereq type="mandatory">fbs-alpha</packagereq>
              <packagereq type="default">fbs-beta</packagereq>
              <packagereq type="optional">fbs-gamma</packagereq>
            </packagelist>
          </group>
          <group>
            <id>emptyish</id>
            <name>Only optional</name>
            <packagelist>
              <packagereq type="optional">fbs-gamma</packagereq>
            </packagelist>
          </group>
          <environment>
            <id>some-environment</id>
            <name>Some environment</name>
            <grouplist><groupid>somegroup</groupid></grouplist>
          </environment>
        </comps>
        """;

    private ReleaseRepo() {
    }

    /** Makes the repository in {@code dir}; returns its file:// base URL. */
    public static String make(Path dir) throws IOException, InterruptedException {
        Path build = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-rpmbuild"));
        Files.createDirectories(dir);
        for (String name : List.of("fbs-alpha", "fbs-beta", "fbs-gamma")) {
            for (Path rpm : TestRpms.build(build, name, "1.0", "1", "noarch",
                List.of(new TestRpms.Package("", false, 64)))) {
                Files.copy(rpm, dir.resolve(rpm.getFileName()));
            }
        }
        Path comps = build.resolve("comps.xml");
        Files.writeString(comps, COMPS, StandardCharsets.UTF_8);
        Process createrepo = new ProcessBuilder("createrepo_c", "-q", "-g", comps.toString(), dir.toString())
            .redirectErrorStream(true).start();
        String out = new String(createrepo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (createrepo.waitFor() != 0) {
            throw new IOException("createrepo_c failed: " + out);
        }
        return "file://" + dir;
    }
}
