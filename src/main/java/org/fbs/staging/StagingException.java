package org.fbs.staging;

/** Staging failed; the message says why in words a user can act on (and never holds a password). */
public final class StagingException extends Exception {

    public StagingException(String message) {
        super(message);
    }

    public StagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
