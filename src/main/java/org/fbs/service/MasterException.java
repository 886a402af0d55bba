package org.fbs.service;

import java.util.List;

/**
 * Why the master refused or could not do what was asked, in its own terms: the routes turn the {@link Reason} into an
 * HTTP status ({@link ErrorStatus}), the message and the field errors into the answer's words.
 */
public final class MasterException extends RuntimeException {

    /** What went wrong. */
    public enum Reason {
        /** No such build or worker, or one the caller may not see (ids say nothing about who builds what). */
        NOT_FOUND,
        /** The thing is not in a state for it: a build that has ended, a worker that is exiting. */
        CONFLICT,
        /** The caller may not do this (not an admin). */
        FORBIDDEN,
        /** The build would run its untrusted owner's code as root, and no online worker isolates it. */
        UNTRUSTED,
        /** The spec has errors; {@link #errors()} names each field and why. */
        INVALID,
        /** The owner has as many builds queued as one user may. */
        TOO_MANY,
        /** The master could not do it now (its store, its dispatcher); nothing was changed. */
        UNAVAILABLE,
        /** The worker did not answer in time. */
        NO_ANSWER,
        /** The worker could not be asked. */
        UNREACHABLE
    }

    private final Reason reason;
    private final List<String> errors;

    public MasterException(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public MasterException(Reason reason, String message, List<String> errors) {
        super(message, null, false, false);
        this.reason = reason;
        this.errors = List.copyOf(errors);
    }

    public Reason reason() {
        return reason;
    }

    /** The field errors of an {@link Reason#INVALID} spec, each as {@code [section] key: why}; else empty. */
    public List<String> errors() {
        return errors;
    }
}
