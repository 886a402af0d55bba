package org.fbs.service;

import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;

/**
 * A build as just stored, and the state it had before: what {@link BuildChanges} tells its listeners.
 *
 * @param before  the state before this change; null for a new build
 * @param logTail the last lines of its log, when the change is its end and the worker sent them
 */
public record BuildChange(BuildState before, Build build, List<String> logTail) {

    public BuildChange {
        logTail = List.copyOf(logTail);
    }
}
