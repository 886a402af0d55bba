package org.fbs.staging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.fbs.build.Secrets;
import org.fbs.spec.BuildSpec;

/**
 * Which build a staging folder belongs to, as written in its marker file {@value #FILE}: the first thing put into a
 * new folder, so that a later attempt of the same build (its worker was lost mid-staging) knows the folder for its
 * own and may clear and refill it, while a folder without the marker, or with another build's, is never touched.
 * <p>
 * The build number alone would not do: the folder name already holds it, and two FBS services (or two machines
 * running {@code fbs build}) that stage to one place count builds independently. So the marker also holds the
 * SHA-256 of the build's canonical spec, which stays the same over the build's attempts (the master stores it once)
 * and differs between unrelated requests. Passwords are masked before hashing, so the hash says nothing about them.
 * <p>
 * The marker stays after success: a worker killed after staging but before its result reached the master is
 * retried, and that retry must still find the folder its own. It is a dotfile, hidden from listings, never staged
 * as an artifact (staged names may not start with a dot) and never named in the CHECKSUM file (which lists images).
 *
 * @param build the build number
 * @param spec  the SHA-256 (hex) of the build's masked canonical spec
 */
public record StagingMark(long build, String spec) {

    /** The marker file's name inside the folder. */
    public static final String FILE = ".fbs-build";

    /** A marker is a few lines; anything bigger is not one of ours. */
    static final int MAX_SIZE = 4096;

    /** The mark of build {@code build} requested by {@code spec}. */
    public static StagingMark of(long build, BuildSpec spec) {
        byte[] canonical = Secrets.maskJson(spec.toJson()).encode().getBytes(StandardCharsets.UTF_8);
        try {
            return new StagingMark(build, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The marker file's text: a line for people who come across it, then {@code key=value} lines. */
    String text() {
        return "# FBS staged build " + build + " into this folder. A retry of that build may replace what is here;"
            + " other builds never touch it.\nbuild=" + build + "\nspec-sha256=" + spec + "\n";
    }

    /** The mark in a marker file's text; null when the text is not a marker FBS wrote. */
    static StagingMark parse(String text) {
        Long build = null;
        String spec = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("build=") && line.substring(6).matches("[0-9]{1,18}")) {
                build = Long.parseLong(line.substring(6));
            } else if (line.startsWith("spec-sha256=") && line.substring(12).matches("[0-9a-f]{64}")) {
                spec = line.substring(12);
            }
        }
        return build == null || spec == null ? null : new StagingMark(build, spec);
    }

    /**
     * Fails unless {@code folder}, which exists already, is this build's own: {@code marker} is the text of its
     * marker file, or null when it has none.
     */
    void checkOwns(String folder, String marker) throws StagingException {
        String refusal = "staging folder " + folder + " already exists and ";
        if (marker == null) {
            throw new StagingException(refusal + "has no " + FILE + " marker, so it was not made by build " + build
                + " (a person or another program made it); not overwriting it");
        }
        StagingMark found = parse(marker);
        if (found == null) {
            throw new StagingException(refusal + "its " + FILE + " marker is unreadable; not overwriting it");
        }
        if (found.build != build) {
            throw new StagingException(refusal + "belongs to build " + found.build + ", not " + build
                + "; not overwriting it");
        }
        if (!found.spec.equals(spec)) {
            throw new StagingException(refusal + "belongs to another build " + build + " (another request with the"
                + " same number, from another FBS service or machine); not overwriting it");
        }
    }
}
