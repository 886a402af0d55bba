package org.fbs.koji;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Real RPMs for tests and benchmarks, made by rpmbuild (Debian package {@code rpm}) from a spec written here.
 * Each package holds one file of random bytes, so its size is about what was asked for.
 */
public final class TestRpms {

    /**
     * One package of a test build.
     *
     * @param suffix the subpackage name after {@code NAME-}; empty for the main package
     * @param noarch built as noarch rather than for the build's arch
     * @param bytes  the size of the file inside it
     */
    public record Package(String suffix, boolean noarch, int bytes) {
    }

    private TestRpms() {
    }

    /** Builds {@code NAME-VERSION-RELEASE} for {@code arch}; returns every RPM rpmbuild wrote. */
    public static List<Path> build(Path work, String name, String version, String release, String arch,
                                   List<Package> packages) throws IOException, InterruptedException {
        Path top = Files.createDirectories(work.resolve("rpmbuild-" + name + "-" + arch));
        Path sources = Files.createDirectories(top.resolve("SOURCES"));
        Random random = new Random(name.hashCode() * 31L + arch.hashCode());
        StringBuilder spec = new StringBuilder()
            .append("%global debug_package %{nil}\n")
            .append("%global __os_install_post %{nil}\n")
            // Random bytes do not compress: storing them uncompressed keeps rpmbuild fast.
            .append("%global _binary_payload w.ufdio\n")
            .append("Name: ").append(name).append("\nVersion: ").append(version)
            .append("\nRelease: ").append(release).append("\nSummary: FBS test package\nLicense: MIT\n")
            .append("%description\nFBS test package.\n");
        StringBuilder install = new StringBuilder("%install\nmkdir -p %{buildroot}/usr/share/" + name + "\n");
        StringBuilder files = new StringBuilder();
        for (Package p : packages) {
            String file = p.suffix().isEmpty() ? "main.bin" : p.suffix() + ".bin";
            byte[] content = new byte[p.bytes()];
            random.nextBytes(content);
            Files.write(sources.resolve(file), content);
            if (!p.suffix().isEmpty()) {
                spec.append("%package ").append(p.suffix()).append("\nSummary: FBS test subpackage\n");
                if (p.noarch()) {
                    spec.append("BuildArch: noarch\n");
                }
                spec.append("%description ").append(p.suffix()).append("\nFBS test subpackage.\n");
            }
            install.append("cp %{_sourcedir}/").append(file).append(" %{buildroot}/usr/share/").append(name)
                .append("/\n");
            files.append("%files").append(p.suffix().isEmpty() ? "" : " " + p.suffix()).append("\n/usr/share/")
                .append(name).append('/').append(file).append('\n');
        }
        Path specFile = top.resolve(name + ".spec");
        Files.writeString(specFile, spec.append(install).append(files), StandardCharsets.UTF_8);
        Process rpmbuild = new ProcessBuilder("rpmbuild", "-bb", "--quiet", "--define", "_topdir " + top,
            "--target", arch, specFile.toString())
            .redirectErrorStream(true)
            .start();
        String output = new String(rpmbuild.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (rpmbuild.waitFor() != 0) {
            throw new IOException("rpmbuild failed for " + name + ":\n" + output);
        }
        List<Path> rpms = new ArrayList<>();
        try (Stream<Path> found = Files.walk(top.resolve("RPMS"))) {
            found.filter(f -> f.toString().endsWith(".rpm")).forEach(rpms::add);
        }
        return rpms;
    }
}
