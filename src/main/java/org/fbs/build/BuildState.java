package org.fbs.build;

/** Where a build is in its life: QUEUED -> ASSIGNED -> RUNNING -> SUCCEEDED | FAILED | CANCELED. */
public enum BuildState {
    QUEUED, ASSIGNED, RUNNING, SUCCEEDED, FAILED, CANCELED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** Whether a worker has the build now. */
    public boolean isWithWorker() {
        return this == ASSIGNED || this == RUNNING;
    }

    /**
     * Whether a build in this state may change to {@code next}. The same state again is a change of its details (a
     * new reason while queued, a new stage while running, a log link once assigned). A build with a worker goes back
     * to QUEUED when the worker is lost; an ended build never changes.
     */
    public boolean canBecome(BuildState next) {
        return switch (this) {
            case QUEUED -> next == QUEUED || next == ASSIGNED || next == CANCELED || next == FAILED;
            case ASSIGNED, RUNNING -> next != ASSIGNED || this == ASSIGNED;
            case SUCCEEDED, FAILED, CANCELED -> false;
        };
    }
}
