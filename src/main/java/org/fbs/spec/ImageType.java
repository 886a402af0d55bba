package org.fbs.spec;

import java.util.Locale;

/** The kinds of image FBS builds; the spec's {@code type} key. */
public enum ImageType {
    BOOT, DVD, LIVE;

    /** The INI section and JSON object that hold this type's options. */
    public String section() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ImageType of(String s) {
        for (ImageType t : values()) {
            if (t.section().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException(s);
    }
}
