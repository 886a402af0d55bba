package org.fbs.spec;

/** A kickstart FBS cannot use as it came; the message says which line and why. Bad input, so no stack trace. */
public final class KickstartException extends Exception {

    private static final long serialVersionUID = 1L;

    public KickstartException(String message) {
        super(message, null, false, false);
    }
}
