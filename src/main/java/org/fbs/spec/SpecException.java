package org.fbs.spec;

import java.util.List;

/**
 * A build spec was rejected. Carries every problem found, each naming its section and key, so that a user can
 * fix the whole spec in one go. It reports bad input, not a bug, so it records no stack trace.
 */
public final class SpecException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public SpecException(List<String> errors) {
        super(String.join("; ", errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    /** The problems, in the order they were found; never empty when thrown by {@link SpecParser}. */
    public List<String> errors() {
        return errors;
    }
}
