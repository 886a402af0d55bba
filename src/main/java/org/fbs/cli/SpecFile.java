package org.fbs.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbs.build.ImageKinds;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;

/** A spec file as the fbs commands read it: INI, or JSON if it starts with '{'. */
final class SpecFile {

    /** More than any valid spec: a JSON spec may carry a 1 MiB kickstart. */
    private static final int MAX_READ = 2 * 1024 * 1024;

    private SpecFile() {
    }

    /** The spec, checked as the master checks it at submit: its format, then what its image tool would refuse. */
    static BuildSpec parse(String text) throws SpecException {
        BuildSpec spec;
        if (!text.strip().startsWith("{")) {
            spec = SpecParser.fromIni(text);
        } else {
            try {
                spec = SpecParser.fromJson((JsonObject) Json.decodeValue(text));
            } catch (DecodeException | ClassCastException e) {
                throw new SpecException(List.of("spec: not a valid JSON object"));
            }
        }
        ImageKinds.check(spec);
        return spec;
    }

    /** The file as UTF-8, read no further than the limit so that a wrong path to a huge file fails fast. */
    static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_READ + 1);
            if (bytes.length > MAX_READ) {
                throw new IOException("larger than " + MAX_READ / 1024 / 1024 + " MiB; not a build spec");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
