package org.fbs.build;

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

    /** Lines for the build log about what the worker did with the spec (a key it does not pass, and why). */
    default List<String> notes() {
        return List.of();
    }

    /** The ISOs the tool wrote. Blocking. */
    List<Path> isos() throws IOException;
}
