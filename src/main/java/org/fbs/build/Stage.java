package org.fbs.build;

/** The parts of a running build, in order. */
public enum Stage {
    SIDE_REPO("side-repo"), IMAGE("image"), STAGING("staging");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
