package org.fbs.build;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a command line depends on besides the spec: the worker's program and what its host can do.
 *
 * @param program     the program to run (from {@code worker.tools})
 * @param hfsplus     whether the host has hfsplus-tools ({@code mkfs.hfsplus}): without them lorax fails unless
 *                    told {@code --nomacboot}
 * @param virtBootIso the installer boot.iso of {@code worker.isolation: virt}, booted in a VM by livemedia-creator's
 *                    virt mode; null when the tool runs on the host
 * @param routes      for a kind with several routes (see {@link Capability#routes()}): each route this worker can
 *                    take, by its {@code worker.tools} entry, with that entry's program; empty otherwise
 */
public record ToolSetup(String program, boolean hfsplus, Path virtBootIso, Map<String, String> routes) {

    public ToolSetup {
        routes = routes == null ? Map.of() : Map.copyOf(routes);
    }

    public ToolSetup(String program, boolean hfsplus, Path virtBootIso) {
        this(program, hfsplus, virtBootIso, Map.of());
    }

    /** A host without hfsplus-tools and without isolation. */
    public static ToolSetup of(String program) {
        return new ToolSetup(program, false, null);
    }
}
