package org.fbs.worker;

/** A build cannot go on; the message is the reason users see. Expected, so no stack trace. */
final class BuildFailure extends Exception {

    private static final long serialVersionUID = 1L;

    BuildFailure(String reason) {
        super(reason, null, false, false);
    }
}
