package org.fbs.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A CHECKSUM file as Fedora publishes beside its images (without the PGP signature): for each image a
 * {@code # NAME: SIZE bytes} line, then {@code SHA256 (NAME) = HEX}, which {@code sha256sum -c} reads. Blocking.
 */
public final class ChecksumFile {

    public static final String NAME = "CHECKSUM";

    private ChecksumFile() {
    }

    /** Writes the CHECKSUM of {@code images} into {@code dir} and returns its path. */
    public static Path write(Path dir, List<Path> images) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path image : images) {
            String name = image.getFileName().toString();
            text.append("# ").append(name).append(": ").append(Files.size(image)).append(" bytes\n")
                .append("SHA256 (").append(name).append(") = ").append(sha256(image)).append('\n');
        }
        return Files.writeString(dir.resolve(NAME), text.toString(), StandardCharsets.UTF_8);
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
