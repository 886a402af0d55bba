package org.fbs.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pungi-koji configuration of one dvd build, in kobo's config syntax (Python literals: {@code key = value},
 * strings, {@code True/False/None}, lists, tuples, dicts). Each key follows pungi's schema, {@code make_schema()} and
 * {@code CONFIG_DEPS} in {@code pungi/checks.py} (pungi 4.9, read at the supakeen/pungi mirror of pagure.io/pungi):
 * <ul>
 *   <li>required: {@code release_name}, {@code release_short}, {@code release_version}, {@code variants_file},
 *       {@code pkgset_source}, {@code gather_method};</li>
 *   <li>{@code pkgset_source = "repos"} requires {@code pkgset_repos} (an object of arch or {@code *} to a string or
 *       list of strings) and conflicts with {@code pkgset_koji_tag} and a non-default {@code pkgset_koji_inherit};</li>
 *   <li>{@code gather_method}: {@code deps}, {@code nodeps} or {@code hybrid}; {@code buildinstall_method}:
 *       {@code lorax} only; {@code sigkeys}: at least one string or None ({@code [None]}: unsigned packages);</li>
 *   <li>{@code lorax_options}, {@code createiso_skip}, {@code filter_packages}: variant/arch mappings, a list of
 *       {@code (variant regex, {arch: value})}; {@code lorax_options} takes {@code bugurl} (string) and
 *       {@code nomacboot} (boolean) among others;</li>
 *   <li>{@code image_name_format} (a string), {@code disc_types} (an object) and {@code iso_size} (a number or
 *       string): the legacy route's ISO names ({@link #imageNameFormat()}); {@code image_volid_formats} (a list of
 *       strings) and {@code volume_id_substitutions} (an object): its volume ids ({@link #volumeIdFormats()});</li>
 *   <li>deprecated, so never written: {@code release_is_layered}, {@code gather_source}, {@code runroot} (pungi's
 *       validator reports "was removed" for each).</li>
 * </ul>
 *
 * @param releaseName    the product's name ({@code [dvd] name})
 * @param releaseShort   its short name: letters and digits of the name
 * @param releaseVersion {@code [dvd] version}
 * @param arch           the build's arch: the only key of {@code pkgset_repos}
 * @param repos          the package repositories' base URLs (the kickstart's, then the side repository)
 * @param variantsFile   absolute path of the variants XML
 * @param compsFile      absolute path of the comps XML
 * @param bugurl         lorax's bug URL, or null
 * @param nomacboot      tell lorax not to make the Mac boot image (no hfsplus-tools on the worker)
 * @param sourceIsos     make the source ISO ({@code createiso} for the {@code src} arch)
 * @param excluded       packages the kickstart excludes ({@code filter_packages})
 * @param isoBaseName    what every ISO name starts with, {@code NAME[-FLAVOR]} (letters, digits and {@code ._+-}, as
 *                       checked at submit), so that the compose names its ISOs as the legacy script did
 */
public record PungiComposeConfig(String releaseName, String releaseShort, String releaseVersion, String arch,
                                 List<String> repos, String variantsFile, String compsFile, String bugurl,
                                 boolean nomacboot, boolean sourceIsos, List<String> excluded, String isoBaseName) {

    /**
     * The legacy route's disc names, as pungi's {@code disc_types} (pungi/phases/createiso.py takes the DVD's from
     * {@code "dvd"}, pungi/phases/buildinstall.py the boot ISO's from {@code "boot"}): {@code DVD} and
     * {@code netinst}.
     */
    static final Map<String, Object> DISC_TYPES = orderedMap("dvd", "DVD", "boot", "netinst");

    /**
     * Big enough that createiso never splits the source DVD into several (it never splits a bootable one:
     * pungi/phases/createiso.py {@code split_iso(..., no_split=bootable)}): the legacy script made one source DVD, and
     * the name format has no disc number (pungi's default is 4.7 GB, a DVD's size).
     */
    static final long ISO_SIZE = 1L << 40;

    /**
     * The legacy script's volume id shortening (pungi 4.3.2 {@code pungi/gather.py} {@code _shortenVolID}), as pungi's
     * {@code volume_id_substitutions} ({@code _apply_substitutions} in pungi/util.py, longest first).
     */
    static final Map<String, Object> VOLUME_ID_SUBSTITUTIONS = volumeIdSubstitutions();

    private static Map<String, Object> volumeIdSubstitutions() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("Workstation", "WS");
        map.put("Server", "S");
        map.put("Cloud", "C");
        map.put("Alpha", "A");
        map.put("Beta", "B");
        map.put("TC", "T");
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * pungi's {@code image_volid_formats} (pungi/util.py {@code get_volid} fills them with str.format): the legacy
     * script's volume id {@code NAME-VERSION-ARCH} (its {@code _shortenVolID}; the name is literal text, as in
     * {@link #imageNameFormat()}). Too long after the substitutions, both fail the build: the legacy script raises
     * "Volume ID ... is longer than 32 characters", pungi "Could not create volume ID longer than 32 bytes".
     */
    public List<String> volumeIdFormats() {
        return List.of(releaseName + "-{version}-{arch}");
    }

    /**
     * pungi's {@code image_name_format} ({@code Compose.get_image_name} in pungi/compose.py fills it with
     * {@code %(version)s}, {@code %(arch)s} ("source" for the source ISO), {@code %(disc_type)s},
     * {@code %(disc_num)s} and {@code %(suffix)s}): {@code NAME[-FLAVOR]-VERSION-ARCH-DVD.iso},
     * {@code ...-ARCH-netinst.iso} and {@code ...-source-DVD.iso}, the legacy route's names. The base name holds no
     * {@code %} or brace, so it is literal text in the format.
     */
    public String imageNameFormat() {
        return isoBaseName + "-%(version)s-%(arch)s-%(disc_type)s%(suffix)s";
    }

    /** Every variant of this config: the DVD is one variant. */
    static final String ANY_VARIANT = "^.*$";

    /** The settings, in the order written. Values are String, Boolean, null, List, Tuple or Map. */
    public Map<String, Object> settings() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("release_name", releaseName);
        out.put("release_short", releaseShort);
        out.put("release_version", releaseVersion);
        out.put("variants_file", variantsFile);
        out.put("comps_file", compsFile);
        out.put("pkgset_source", "repos");
        out.put("pkgset_repos", Map.of(arch, List.copyOf(repos)));
        out.put("gather_method", "deps");
        out.put("sigkeys", java.util.Collections.singletonList(null));
        out.put("buildinstall_method", "lorax");
        Map<String, Object> lorax = new LinkedHashMap<>();
        if (bugurl != null) {
            lorax.put("bugurl", bugurl);
        }
        if (nomacboot) {
            lorax.put("nomacboot", true);
        }
        if (!lorax.isEmpty()) {
            out.put("lorax_options", variantArch("*", lorax));
        }
        // xorrisofs, not genisoimage: pungi's check() then needs /usr/bin/xorrisofs, which Fedora still ships.
        out.put("createiso_use_xorrisofs", true);
        out.put("image_name_format", imageNameFormat());
        out.put("disc_types", DISC_TYPES);
        out.put("image_volid_formats", volumeIdFormats());
        out.put("volume_id_substitutions", VOLUME_ID_SUBSTITUTIONS);
        out.put("iso_size", ISO_SIZE);
        if (!sourceIsos) {
            out.put("createiso_skip", variantArch("src", true));
        }
        if (!excluded.isEmpty()) {
            out.put("filter_packages", variantArch("*", List.copyOf(excluded)));
        }
        return out;
    }

    private static Map<String, Object> orderedMap(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return java.util.Collections.unmodifiableMap(map);
    }

    /** {@code [("^.*$", {arch: value})]}: one value for every variant. */
    private static List<Object> variantArch(String arch, Object value) {
        return List.of(new Tuple(List.of(ANY_VARIANT, Map.of(arch, value))));
    }

    /** A Python tuple. */
    public record Tuple(List<Object> items) {
    }

    /** The config file's text. */
    public String text() {
        StringBuilder out = new StringBuilder("# pungi-koji configuration written by FBS for one dvd build.\n"
            + "# Keys and types: pungi 4.9 pungi/checks.py make_schema(); syntax: kobo.conf (Python literals).\n");
        settings().forEach((key, value) -> out.append(key).append(" = ").append(literal(value)).append('\n'));
        return out.toString();
    }

    /** {@code value} as a Python literal. */
    static String literal(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof Tuple t) {
            List<String> items = t.items().stream().map(PungiComposeConfig::literal).toList();
            return "(" + String.join(", ", items) + (items.size() == 1 ? ",)" : ")");
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(literal(item)));
            return "[" + String.join(", ", items) + "]";
        }
        if (value instanceof Map<?, ?> map) {
            List<String> items = new ArrayList<>();
            map.forEach((k, v) -> items.add(literal(k) + ": " + literal(v)));
            return "{" + String.join(", ", items) + "}";
        }
        throw new IllegalArgumentException("no Python literal for " + value.getClass());
    }

    /** A double-quoted Python string: backslash, quote and control characters escaped. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
