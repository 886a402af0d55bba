package org.fbs.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rules of pungi's configuration schema that apply to what FBS writes, encoded from {@code pungi/checks.py}
 * ({@code make_schema()}, its {@code definitions}, {@code _variant_arch_mapping}, {@code _one_or_list},
 * {@code CONFIG_DEPS} and {@code _validate_requires}), read at commit 0726a4dc of the supakeen/pungi mirror of
 * pagure.io/pungi (a 4.6+ schema: it has kiwibuild; the keys FBS writes read the same in pungi 4.9), plus the format
 * elements {@code Compose.get_image_name} in {@code pungi/compose.py} fills. Each rule
 * names the schema entry it comes from. A key outside {@link #RULES} is reported: either pungi does not know it
 * (it warns "Unrecognized config option") or FBS has no business writing it.
 */
final class PungiSchema {

    /** make_schema()["required"]. */
    static final List<String> REQUIRED = List.of("release_name", "release_short", "release_version", "variants_file",
        "pkgset_source", "gather_method");

    /** Properties whose schema is {"deprecated": ...}: pungi reports each as removed. */
    static final Set<String> DEPRECATED = Set.of("release_is_layered", "gather_source", "runroot", "bootable",
        "keep_original_comps", "productimg", "old_composes_per_release_type", "pdc_url", "pdc_develop",
        "pdc_insecure");

    /** lorax_options' object: its "properties", with "additionalProperties": False. */
    static final Map<String, String> LORAX_OPTIONS = Map.ofEntries(Map.entry("bugurl", "string"),
        Map.entry("nomacboot", "boolean"), Map.entry("noupgrade", "boolean"), Map.entry("add_template", "strings"),
        Map.entry("add_arch_template", "strings"), Map.entry("add_template_var", "strings"),
        Map.entry("add_arch_template_var", "strings"), Map.entry("rootfs_size", "integer"),
        Map.entry("version", "string"), Map.entry("dracut_args", "strings"), Map.entry("skip_branding", "boolean"),
        Map.entry("squashfs_only", "boolean"), Map.entry("configuration_file", "string"));

    /** pungi/util.py get_format_substs() and the image's own values in Compose.get_image_name(). */
    static final Set<String> IMAGE_NAME_ELEMENTS = Set.of("compose_id", "release_short", "version", "date", "respin",
        "type", "type_suffix", "label", "label_major_version", "variant", "arch", "disc_type", "disc_num", "suffix");

    /** What get_volid() (pungi/util.py) fills a volume id format with. */
    static final Set<String> VOLID_ELEMENTS = Set.of("compose_id", "release_short", "version", "date", "respin",
        "type", "type_suffix", "label", "label_major_version", "variant", "arch", "disc_type", "base_product_short",
        "base_product_version");

    /** The schema of each key FBS may write. */
    static final Map<String, BiConsumer<Object, List<String>>> RULES = Map.ofEntries(
        Map.entry("release_name", string("release_name")),
        Map.entry("release_short", string("release_short")),
        Map.entry("release_version", string("release_version")),
        // "str_or_scm_dict": a string (a path), or an scm dict; FBS writes paths
        Map.entry("variants_file", string("variants_file")),
        Map.entry("comps_file", string("comps_file")),
        Map.entry("pkgset_source", oneOf("pkgset_source", List.of("koji", "repos"))),
        // {"type": "object", "patternProperties": {".+": {"$ref": "#/definitions/strings"}}, additionalProperties False}
        Map.entry("pkgset_repos", (v, e) -> {
            if (!(v instanceof Map<?, ?> map)) {
                e.add("pkgset_repos: not an object");
                return;
            }
            map.forEach((k, repos) -> {
                if (!(k instanceof String s) || s.isEmpty()) {
                    e.add("pkgset_repos: key " + k + " does not match .+");
                }
                if (!(repos instanceof String) && !isStrings(repos)) {
                    e.add("pkgset_repos." + k + ": not a string or a list of strings");
                }
            });
        }),
        // oneOf an object per variant, or {"type": "string", "enum": ["deps", "nodeps", "hybrid"]}
        Map.entry("gather_method", oneOf("gather_method", List.of("deps", "nodeps", "hybrid"))),
        // {"type": "array", "items": optional_string, "minItems": 1}
        Map.entry("sigkeys", (v, e) -> {
            if (!(v instanceof List<?> list) || list.isEmpty()
                || !list.stream().allMatch(x -> x == null || x instanceof String)) {
                e.add("sigkeys: not a non-empty list of strings or None");
            }
        }),
        Map.entry("buildinstall_method", oneOf("buildinstall_method", List.of("lorax"))),
        Map.entry("lorax_options", variantArch("lorax_options", (where, value, e) -> {
            if (!(value instanceof Map<?, ?> options)) {
                e.add(where + ": not an object");
                return;
            }
            options.forEach((k, x) -> {
                String type = LORAX_OPTIONS.get(k);
                if (type == null) {
                    e.add(where + ": additional property " + k + " is not allowed");
                } else if (!hasType(x, type)) {
                    e.add(where + "." + k + ": not of type " + type);
                }
            });
        })),
        Map.entry("createiso_use_xorrisofs", bool("createiso_use_xorrisofs")),
        // {"oneOf": [{"type": "string"}, {"type": "object", "patternProperties": {".+": _one_or_list(string)},
        // "additionalProperties": False}]}; FBS writes the string. Its elements are those Compose.get_image_name
        // (pungi/compose.py) fills, else createiso fails "Failed to create image name: unknown format element";
        // the result then goes through str.format(), so a brace would fail too.
        Map.entry("image_name_format", (v, e) -> {
            if (!(v instanceof String format)) {
                e.add("image_name_format: " + v + " is not of type 'string'");
                return;
            }
            java.util.regex.Matcher m = Pattern.compile("%\\(([^)]*)\\)s").matcher(format);
            while (m.find()) {
                if (!IMAGE_NAME_ELEMENTS.contains(m.group(1))) {
                    e.add("image_name_format: unknown format element " + m.group(1));
                }
            }
            if (format.replaceAll("%\\([a-z_]+\\)s", "").matches(".*[%{}].*")) {
                e.add("image_name_format: a % or brace outside a %(element)s");
            }
        }),
        // {"type": "object", "default": {}}: any object; createiso and buildinstall read strings from it
        Map.entry("disc_types", (v, e) -> {
            if (!(v instanceof Map<?, ?> map)) {
                e.add("disc_types: " + v + " is not of type 'object'");
            } else if (!map.values().stream().allMatch(x -> x instanceof String)) {
                e.add("disc_types: a disc type's name is not a string");
            }
        }),
        // {"$ref": "#/definitions/list_of_strings"}; get_volid (pungi/util.py) fills each with str.format from the
        // format substitutions, release_short, version, arch, variant, disc_type and the base product's
        Map.entry("image_volid_formats", (v, e) -> {
            if (!isStrings(v)) {
                e.add("image_volid_formats: " + v + " is not a list of strings");
                return;
            }
            for (Object format : (List<?>) v) {
                java.util.regex.Matcher m = Pattern.compile("\\{([^}]*)\\}").matcher((String) format);
                while (m.find()) {
                    if (!VOLID_ELEMENTS.contains(m.group(1))) {
                        e.add("image_volid_formats: unknown format element " + m.group(1));
                    }
                }
                if (((String) format).contains("%")) {
                    e.add("image_volid_formats: a % (the format goes through % first)");
                }
            }
        }),
        // {"type": "object", "default": {}}: _apply_substitutions replaces each key by its value
        Map.entry("volume_id_substitutions", (v, e) -> {
            if (!(v instanceof Map<?, ?> map)) {
                e.add("volume_id_substitutions: " + v + " is not of type 'object'");
            } else if (!map.values().stream().allMatch(x -> x instanceof String)) {
                e.add("volume_id_substitutions: a replacement is not a string");
            }
        }),
        // {"anyOf": [{"type": "string"}, {"type": "number"}], "default": 4700000000}
        Map.entry("iso_size", (v, e) -> {
            if (!(v instanceof String) && !(v instanceof Long) && !(v instanceof Double)) {
                e.add("iso_size: " + v + " is not valid under any of the given schemas");
            }
        }),
        Map.entry("createiso_skip", variantArch("createiso_skip", (where, value, e) -> {
            if (!(value instanceof Boolean)) {
                e.add(where + ": not a boolean");
            }
        })),
        // "package_mapping": _variant_arch_mapping(list_of_strings)
        Map.entry("filter_packages", variantArch("filter_packages", (where, value, e) -> {
            if (!isStrings(value)) {
                e.add(where + ": not a list of strings");
            }
        })));

    private PungiSchema() {
    }

    /** Every rule {@code config} breaks, in words; empty when it passes. */
    static List<String> violations(Map<String, Object> config) {
        List<String> errors = new ArrayList<>();
        for (String key : REQUIRED) {
            if (!config.containsKey(key)) {
                errors.add("'" + key + "' is a required property");
            }
        }
        config.forEach((key, value) -> {
            if (DEPRECATED.contains(key)) {
                errors.add("Config option " + key + " was removed");
            } else if (!RULES.containsKey(key)) {
                errors.add("unknown config option " + key);
            } else {
                RULES.get(key).accept(value, errors);
            }
        });
        // CONFIG_DEPS["pkgset_source"]: repos requires pkgset_repos, conflicts with the Koji tag and inheritance
        if ("repos".equals(config.get("pkgset_source"))) {
            if (!config.containsKey("pkgset_repos")) {
                errors.add("pkgset_source=repos requires pkgset_repos");
            }
            // _validate_requires: a conflicting option counts when it is set to other than its default
            // (pkgset_koji_inherit defaults to True; pkgset_koji_tag has no default)
            if (config.containsKey("pkgset_koji_tag")) {
                errors.add("pkgset_source=repos conflicts with pkgset_koji_tag");
            }
            if (config.containsKey("pkgset_koji_inherit") && !Boolean.TRUE.equals(config.get("pkgset_koji_inherit"))) {
                errors.add("pkgset_source=repos conflicts with pkgset_koji_inherit");
            }
        }
        if ("koji".equals(config.get("pkgset_source")) && config.containsKey("pkgset_repos")) {
            errors.add("pkgset_source=koji conflicts with pkgset_repos");
        }
        // CONFIG_DEPS["buildinstall_method"]: without one, no lorax_options or buildinstall_kickstart
        Object method = config.get("buildinstall_method");
        if ((method == null || "".equals(method)) && config.containsKey("lorax_options")) {
            errors.add("buildinstall_method=" + method + " conflicts with lorax_options");
        }
        return errors;
    }

    interface ValueRule {
        void check(String where, Object value, List<String> errors);
    }

    /**
     * _variant_arch_mapping(value): an array of [regex, {".+": value}] pairs, "minItems": 2, "additionalItems":
     * False, the object with "additionalProperties": False; the regex must compile (checks.py's "regex" type).
     */
    static BiConsumer<Object, List<String>> variantArch(String key, ValueRule rule) {
        return (v, e) -> {
            if (!(v instanceof List<?> list)) {
                e.add(key + ": not an array");
                return;
            }
            for (Object item : list) {
                if (!(item instanceof List<?> pair) || pair.size() != 2) {
                    e.add(key + ": " + item + " is not a [variant regex, {arch: value}] pair");
                    continue;
                }
                if (!(pair.get(0) instanceof String regex)) {
                    e.add(key + ": variant " + pair.get(0) + " is not a string");
                    continue;
                }
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException ex) {
                    e.add(key + ": incorrect regular expression: " + regex);
                }
                if (!(pair.get(1) instanceof Map<?, ?> arches)) {
                    e.add(key + ": " + pair.get(1) + " is not an object of arches");
                    continue;
                }
                arches.forEach((arch, value) -> {
                    if (!(arch instanceof String a) || a.isEmpty()) {
                        e.add(key + ": arch " + arch + " does not match .+");
                    }
                    rule.check(key + "." + regex + "." + arch, value, e);
                });
            }
        };
    }

    static BiConsumer<Object, List<String>> string(String key) {
        return (v, e) -> {
            if (!(v instanceof String)) {
                e.add(key + ": " + v + " is not of type 'string'");
            }
        };
    }

    static BiConsumer<Object, List<String>> bool(String key) {
        return (v, e) -> {
            if (!(v instanceof Boolean)) {
                e.add(key + ": " + v + " is not of type 'boolean'");
            }
        };
    }

    static BiConsumer<Object, List<String>> oneOf(String key, List<String> values) {
        return (v, e) -> {
            if (!(v instanceof String) || !values.contains(v)) {
                e.add(key + ": " + v + " is not one of " + values);
            }
        };
    }

    static boolean isStrings(Object v) {
        return v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String);
    }

    static boolean hasType(Object v, String type) {
        return switch (type) {
            case "string" -> v instanceof String;
            case "boolean" -> v instanceof Boolean;
            case "integer" -> v instanceof Long;
            case "strings" -> isStrings(v);
            default -> false;
        };
    }
}
