package org.fbs.web;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;

/**
 * What the New build form's template shows: the fields of {@link BuildForm} with the values and errors of the last
 * try.
 *
 * @param uploaded the last try sent a kickstart file (which the browser does not send again)
 */
record NewBuildView(MultiMap values, List<String> errors, Map<String, List<String>> byField, boolean uploaded) {

    static NewBuildView of(MultiMap values, List<String> errors, boolean uploaded) {
        return new NewBuildView(values, errors, BuildForm.byField(errors, uploaded), uploaded);
    }

    Map<String, List<BuildForm.Field>> groups() {
        return BuildForm.GROUPS;
    }

    /** The image types a group is for, as its fieldset's data-types; null (left out) for every type. */
    static String types(List<BuildForm.Field> fields) {
        List<String> types = fields.get(0).types();
        return types.isEmpty() ? null : String.join(" ", types);
    }

    static String id(BuildForm.Field f) {
        return "f-" + f.name().replace('.', '-');
    }

    String value(BuildForm.Field f) {
        return values.get(f.name());
    }

    boolean checked(BuildForm.Field f) {
        return values.contains(f.name());
    }

    List<String> errorsOf(BuildForm.Field f) {
        return byField.getOrDefault(f.name(), List.of());
    }
}
