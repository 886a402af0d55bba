package org.fbs.build;

import org.fbs.spec.KickstartException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One run of an image tool: its argument list (never a shell string), the input it reads, the ISOs it writes. */
public interface ImageCommand {

    /** The program and its arguments. */
    List<String> arguments();

    /** The file the tool reads (a kickstart, a kiwi description), written by the worker first; null for none. */
    default Path input() {
        return null;
    }

    /**
     * The text of {@link #input()}.
     *
     * @param flattened the flattened kickstart when the kind reads one, else null
     */
    default String inputText(String flattened) {
        return null;
    }

    /**
     * Files the tool reads besides {@link #input()} (a compose's config, variants and comps), by path, written by the
     * worker before it runs the tool; not staged. Blocking: it may read what the kickstart's repositories serve.
     *
     * @param flattened the flattened kickstart when the kind reads one, else null
     * @param log       takes lines for the build log (what of the kickstart is left out, and why)
     * @throws KickstartException the kickstart asks for what cannot be had (the message says what and why)
     */
    default java.util.Map<Path, String> supportFiles(String flattened, java.util.function.Consumer<String> log)
        throws KickstartException {
        return java.util.Map.of();
    }

    /** Lines for the build log about what the worker did with the spec (a key it does not pass, and why). */
    default List<String> notes() {
        return List.of();
    }

    /** The {@code worker.tools} entry of the program it runs, when not its kind's {@link ImageKind#tool()}; else null. */
    default String tool() {
        return null;
    }

    /** The ISOs the tool wrote. Blocking. */
    List<Path> isos() throws IOException;
}
