package org.fbs.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sample specs shipped in conf/ are valid, and there is one for each image type. */
class SampleSpecsTest {

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("conf"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("_imagebuild.conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleParsesAndRoundTrips(Path sample) throws Exception {
        BuildSpec spec = SpecParser.fromIni(Files.readString(sample));

        assertThat(sample.getFileName().toString()).startsWith(spec.type().section() + "_");
        assertThat(SpecParser.fromJson(spec.toJson())).isEqualTo(spec);
    }

    @Test
    void thereIsASampleForEveryType() throws Exception {
        List<String> names = samples().map(p -> p.getFileName().toString()).toList();

        assertThat(names).containsExactly("boot_imagebuild.conf", "dvd_imagebuild.conf", "live_imagebuild.conf");
    }
}
