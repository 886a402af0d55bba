package org.fbs.build;

/** Where a build is in its life: QUEUED -> ASSIGNED -> RUNNING -> SUCCEEDED | FAILED | CANCELED. */
public enum BuildState {
    QUEUED, ASSIGNED, RUNNING, SUCCEEDED, FAILED, CANCELED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }
}
