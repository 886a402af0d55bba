package org.fbs.koji;

/** The side repository cannot be made; the message names the Koji build or package and says why. */
public final class KojiException extends Exception {

    public KojiException(String message) {
        super(message);
    }
}
