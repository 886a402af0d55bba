package org.fbs.build;

import java.util.ArrayList;
import java.util.List;

/**
 * The variants and comps XML files of a dvd build's pungi-koji compose.
 * <ul>
 *   <li>variants: pungi's {@code share/variants.dtd} (pungi 4.9): {@code <variants>} of {@code <variant id name
 *       type="variant">} with {@code <arches><arch>} and {@code <groups><group default="true">}; read by
 *       {@code pungi/wrappers/variants.py}. The variant id is the spec's flavor (letters and digits, as the legacy
 *       script demanded) or {@link #DEFAULT_VARIANT}. Its groups: {@link #GROUP} (when the kickstart names packages)
 *       and each kickstart group the release defines.</li>
 *   <li>comps: the {@code comps.dtd} format that {@code pungi/wrappers/comps.py} reads: {@link #GROUP}, holding the
 *       kickstart's packages as mandatory, then the kickstart's groups as the release's comps define them (only the
 *       packages each takes, {@link DvdGroups}). pungi's init phase keeps only the groups a variant names
 *       ({@code CompsWrapper.filter_groups}); a group a variant names that the comps lack it only warns about, so FBS
 *       never writes one.</li>
 * </ul>
 */
public final class PungiComposeFiles {

    /** The variant of a spec without a flavor. */
    public static final String DEFAULT_VARIANT = "DVD";
    /** The comps group that holds the kickstart's packages. */
    public static final String GROUP = "fbs-dvd";

    private PungiComposeFiles() {
    }

    /** The groups a variant of {@code packages} and {@code groups} names: FBS's own first, when it has packages. */
    public static List<String> variantGroups(List<String> packages, List<Comps.Group> groups) {
        List<String> ids = new ArrayList<>();
        if (!packages.isEmpty() || groups.isEmpty()) {
            ids.add(GROUP);
        }
        groups.forEach(g -> ids.add(g.id()));
        return ids;
    }

    public static String variants(String variant, String arch, List<String> groups) {
        StringBuilder list = new StringBuilder();
        for (String g : groups) {
            list.append("          <group default=\"true\">").append(xml(g)).append("</group>\n");
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE variants PUBLIC "-//Red Hat, Inc.//DTD Variants info//EN" "variants.dtd">
            <!-- Written by FBS for one dvd build: one variant, one arch, the build's comps groups. -->
            <variants>
              <variant id="%1$s" name="%1$s" type="variant">
                <arches>
                  <arch>%2$s</arch>
                </arches>
                <groups>
            %3$s    </groups>
              </variant>
            </variants>
            """.formatted(xml(variant), xml(arch), list);
    }

    public static String comps(String productName, List<String> packages, List<Comps.Group> groups) {
        StringBuilder out = new StringBuilder("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">
            <!-- Written by FBS for one dvd build: the kickstart's packages, and its groups from the release's comps. -->
            <comps>
            """);
        if (variantGroups(packages, groups).contains(GROUP)) {
            List<Comps.PackageReq> own = packages.stream().map(p -> new Comps.PackageReq(p, "mandatory", null))
                .toList();
            group(out, new Comps.Group(GROUP, productName + " DVD packages", "The packages of the build's kickstart",
                own));
        }
        groups.forEach(g -> group(out, g));
        return out.append("</comps>\n").toString();
    }

    private static void group(StringBuilder out, Comps.Group group) {
        out.append("  <group>\n")
            .append("    <id>").append(xml(group.id())).append("</id>\n")
            .append("    <name>").append(xml(group.name() == null ? group.id() : group.name())).append("</name>\n")
            .append("    <description>").append(xml(group.description() == null ? "" : group.description()))
            .append("</description>\n")
            .append("    <default>true</default>\n")
            .append("    <uservisible>true</uservisible>\n")
            .append("    <packagelist>\n");
        for (Comps.PackageReq p : group.packages()) {
            out.append("      <packagereq type=\"").append(xml(p.type())).append('"');
            if (p.requires() != null) {
                out.append(" requires=\"").append(xml(p.requires())).append('"');
            }
            out.append('>').append(xml(p.name())).append("</packagereq>\n");
        }
        out.append("    </packagelist>\n  </group>\n");
    }

    /** {@code s} as XML character data or attribute value. */
    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
