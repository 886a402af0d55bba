package org.fbs.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The pages' templates ({@code src/main/jte}), compiled into this package at build time by jte-maven-plugin: no
 * template is read or compiled while the master runs, and every {@code ${value}} in them is escaped for where it
 * stands (element text or attribute) unless a template says {@code $unsafe}.
 */
final class Templates {

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
        Templates.class.getClassLoader(), Templates.class.getPackageName());

    private Templates() {
    }

    /** A page: its template gets the shared frame as {@code frame} and its own model as {@code m}. */
    static String page(String template, Frame frame, Object model) {
        StringOutput out = new StringOutput(8192);
        ENGINE.render(template, Map.of("frame", frame, "m", model), out);
        return out.toString();
    }
}
