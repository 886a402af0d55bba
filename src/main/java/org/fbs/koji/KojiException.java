package org.fbs.koji;

/** The side repository cannot be made; the message says why, naming the Koji build or package at fault. */
public final class KojiException extends Exception {

    public KojiException(String message) {
        super(message);
    }
}
