package org.fbs.staging;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.fbs.build.Artifact;

/**
 * A build's own folder at a staging destination, open for files. Closing it without {@link #commit()} takes
 * back everything put into it, so that a failed build leaves nothing half-staged and a retry can stage again.
 */
public abstract class StagingFolder implements AutoCloseable {

    private final Set<String> names = new HashSet<>();
    private boolean committed;

    /** Copies {@code file} in as {@code name}, whole or not at all, and says where it landed. */
    public final Artifact put(Path file, String name) throws StagingException {
        if (!name.matches("[A-Za-z0-9._+-]+") || name.startsWith(".")) {
            throw new StagingException("cannot stage a file named '" + name + "'");
        }
        if (!names.add(name)) {
            throw new StagingException("two files named " + name + "; one would replace the other");
        }
        return copy(file, name);
    }

    /** Everything is in: keep it. */
    public final void commit() throws StagingException {
        finish();
        committed = true;
    }

    @Override
    public final void close() {
        release(committed);
    }

    protected abstract Artifact copy(Path file, String name) throws StagingException;

    /** Called by {@link #commit()}: whatever makes the staged files final (a record, say). */
    protected void finish() throws StagingException {
    }

    /** Frees connections; when {@code keep} is false, also removes what was put. Never throws. */
    protected abstract void release(boolean keep);
}
