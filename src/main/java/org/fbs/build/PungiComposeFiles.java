package org.fbs.build;

import java.util.List;

/**
 * The variants and comps XML files of a dvd build's pungi-koji compose.
 * <ul>
 *   <li>variants: pungi's {@code share/variants.dtd} (pungi 4.9): {@code <variants>} of {@code <variant id name
 *       type="variant">} with {@code <arches><arch>} and {@code <groups><group default="true">}; read by
 *       {@code pungi/wrappers/variants.py}. The variant id is the spec's flavor (letters and digits, as the legacy
 *       script demanded) or {@link #DEFAULT_VARIANT}.</li>
 *   <li>comps: the {@code comps.dtd} format that {@code pungi/wrappers/comps.py} reads: one group, {@link #GROUP},
 *       holding the kickstart's packages as mandatory.</li>
 * </ul>
 */
public final class PungiComposeFiles {

    /** The variant of a spec without a flavor. */
    public static final String DEFAULT_VARIANT = "DVD";
    /** The comps group that holds the kickstart's packages. */
    public static final String GROUP = "fbs-dvd";

    private PungiComposeFiles() {
    }

    public static String variants(String variant, String arch) {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE variants PUBLIC "-//Red Hat, Inc.//DTD Variants info//EN" "variants.dtd">
            <!-- Written by FBS for one dvd build: one variant, one arch, the build's own comps group. -->
            <variants>
              <variant id="%1$s" name="%1$s" type="variant">
                <arches>
                  <arch>%2$s</arch>
                </arches>
                <groups>
                  <group default="true">%3$s</group>
                </groups>
              </variant>
            </variants>
            """.formatted(xml(variant), xml(arch), GROUP);
    }

    public static String comps(String productName, List<String> packages) {
        StringBuilder list = new StringBuilder();
        for (String p : packages) {
            list.append("      <packagereq type=\"mandatory\">").append(xml(p)).append("</packagereq>\n");
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">
            <!-- Written by FBS for one dvd build: the kickstart's packages. -->
            <comps>
              <group>
                <id>%s</id>
                <name>%s DVD packages</name>
                <description>The packages of the build's kickstart</description>
                <default>true</default>
                <uservisible>true</uservisible>
                <packagelist>
            %s    </packagelist>
              </group>
            </comps>
            """.formatted(GROUP, xml(productName), list);
    }

    /** {@code s} as XML character data or attribute value. */
    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
