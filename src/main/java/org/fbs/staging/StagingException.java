package org.fbs.staging;

/** Staging failed; the message says why in words a user can act on (and never holds a password). */
public final class StagingException extends Exception {

    /** The folder holds the files of another run of the same build that may still count: write beside it. */
    private final boolean folderHeld;

    public StagingException(String message) {
        this(message, false);
    }

    /** @param folderHeld the folder is another live run's of the same build (see {@link StagingMark#checkClaim}) */
    public StagingException(String message, boolean folderHeld) {
        super(message);
        this.folderHeld = folderHeld;
    }

    /** Whether the refusal is for a folder another run of the same build holds, which the master did not give up. */
    public boolean folderHeld() {
        return folderHeld;
    }

    public StagingException(String message, Throwable cause) {
        super(message, cause);
        this.folderHeld = false;
    }
}
