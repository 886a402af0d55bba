package org.fbs.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How a worker keeps a build's kickstart away from its own host ({@code worker.isolation}). A kickstart is the
 * submitter's code: without isolation its {@code %pre}, {@code %post} and package scriptlets run as root on the
 * worker, so such a worker may only build kickstarts of trusted owners.
 *
 * @param mode    {@code none} (the tool runs on the host) or {@code virt} (livemedia-creator's virt mode: anaconda
 *                installs inside a VM booted from {@code bootIso}, KVM where present)
 * @param bootIso the installer boot.iso the VM boots in virt mode ({@code worker.isolation-boot-iso}); null for none
 */
public record Isolation(Mode mode, Path bootIso) {

    public enum Mode { NONE, VIRT }

    public static final Isolation NONE = new Isolation(Mode.NONE, null);

    /** Whether an untrusted owner's kickstart may run on this worker. */
    public boolean isolates() {
        return mode != Mode.NONE;
    }

    /**
     * Whether this isolation holds the submitter's code of a build of image {@code kind} (see
     * {@code build.ImageKinds}): virt runs anaconda, and so the kickstart's scripts and package scriptlets, in a VM
     * for livemedia-creator only; kiwi-ng and pungi have no such mode, so nothing covers them yet.
     */
    public boolean covers(String kind) {
        return covers(label(), kind);
    }

    /** {@link #covers(String)} for an isolation announced as {@code label} (null: an older worker, none). */
    public static boolean covers(String label, String kind) {
        return "virt".equals(label) && "live".equals(kind);
    }

    /** The mode as configured and announced: {@code none} or {@code virt}. */
    public String label() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    static Isolation from(ConfigValues v) {
        String mode = v.string("isolation", "none").trim().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "none" -> NONE;
            case "virt" -> {
                String iso = v.string("isolation-boot-iso", null);
                if (iso == null || iso.isBlank()) {
                    throw v.error("isolation-boot-iso", "virt isolation needs the installer boot.iso its VM boots");
                }
                yield new Isolation(Mode.VIRT, Path.of(iso).toAbsolutePath().normalize());
            }
            default -> throw v.error("isolation", "expected none or virt, got '" + mode + "'");
        };
    }
}
