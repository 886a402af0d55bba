package org.fbs.service;

/** The one mapping of the master's refusals to HTTP statuses, for the API's JSON answers and the pages alike. */
public final class ErrorStatus {

    private ErrorStatus() {
    }

    public static int of(MasterException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case FORBIDDEN, UNTRUSTED -> 403;
            case INVALID -> 400;
            case TOO_MANY -> 429;
            case UNAVAILABLE -> 503;
            case NO_ANSWER -> 504;
            case UNREACHABLE -> 502;
        };
    }

    /** The status of a failure: its reason's for a {@link MasterException}, else 500 (the master's own fault). */
    public static int of(Throwable failure) {
        return failure instanceof MasterException e ? of(e.reason()) : 500;
    }
}
