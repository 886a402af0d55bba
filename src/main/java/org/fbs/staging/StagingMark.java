package org.fbs.staging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.fbs.build.Secrets;
import org.fbs.spec.BuildSpec;

/**
 * Which attempt of which build a staging folder belongs to, as written in its marker file {@value #FILE}: the first
 * thing put into a new folder, so that a later attempt of the same build (its worker was lost mid-staging) knows the
 * folder for its build's and may clear and refill it, while a folder without the marker, or with another build's, is
 * never touched.
 * <p>
 * The build number alone would not do: the folder name already holds it, and two FBS services (or two machines
 * running {@code fbs build}) that stage to one place count builds independently. So the marker also holds the
 * SHA-256 of the build's canonical spec, which stays the same over the build's attempts (the master stores it once)
 * and differs between unrelated requests. Passwords are masked before hashing, so the hash says nothing about them.
 * <p>
 * The attempt is there because a lost worker may not know it is lost: cut off by a network partition, its attempt
 * runs on while the master's next attempt stages. Only a later attempt takes a folder over, and an attempt cleans up
 * after itself only while the marker still names it, so an older attempt never removes a newer one's results.
 * <p>
 * With leases (the master's id of each assignment), the lease decides instead of the attempt number, which two runs
 * can share (an offer the master gave up on, taken late): a run owns a folder only while the marker names its
 * lease, and takes a folder over only from a lease the master declared dead (the offer lists them). A folder of
 * another lease that may still count is never emptied: the run stages beside it.
 * <p>
 * The marker stays after success: a worker killed after staging but before its result reached the master is
 * retried, and that retry must still find the folder its own. It is a dotfile, hidden from listings, never staged
 * as an artifact (staged names may not start with a dot) and never named in the CHECKSUM file (which lists images).
 *
 * @param build   the build number
 * @param attempt the attempt of the build (1 for the first run)
 * @param spec    the SHA-256 (hex) of the build's masked canonical spec
 * @param lease   the lease of the run (null without one: a local build, or a master without leases)
 * @param deadLeases the leases of the build the master declared dead: the only ones whose folder this run may take;
 *                   not written to the marker
 */
public record StagingMark(long build, int attempt, String spec, String lease, Set<String> deadLeases) {

    public StagingMark {
        deadLeases = Set.copyOf(deadLeases);
    }

    public StagingMark(long build, int attempt, String spec) {
        this(build, attempt, spec, null, Set.of());
    }

    /** The marker file's name inside the folder. */
    public static final String FILE = ".fbs-build";

    /** The name the marker is written under before it is renamed to {@link #FILE} (as every staged file is). */
    static final String PARTIAL = "." + FILE + ".partial";

    /** What a lease id looks like (the master makes UUIDs); anything else is not written into a marker. */
    private static final Pattern LEASE = Pattern.compile("[0-9A-Za-z-]{1,64}");

    /** A marker is a few lines; anything bigger is not one of ours. */
    static final int MAX_SIZE = 4096;

    /** The mark of attempt {@code attempt} of build {@code build} requested by {@code spec}. */
    public static StagingMark of(long build, int attempt, BuildSpec spec) {
        return of(build, attempt, null, Set.of(), spec);
    }

    /** The mark of the run of lease {@code lease}, which may take folders only from {@code deadLeases}. */
    public static StagingMark of(long build, int attempt, String lease, Set<String> deadLeases, BuildSpec spec) {
        if (lease != null && !LEASE.matcher(lease).matches()) {
            throw new IllegalArgumentException("not a lease id: " + lease);
        }
        byte[] canonical = Secrets.maskJson(spec.toJson()).encode().getBytes(StandardCharsets.UTF_8);
        try {
            return new StagingMark(build, attempt, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical)), lease, deadLeases);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The marker file's text: a line for people who come across it, then {@code key=value} lines. */
    String text() {
        return "# FBS staged build " + build + " into this folder. A retry of that build may replace what is here;"
            + " other builds never touch it.\nbuild=" + build + "\nattempt=" + attempt + "\nspec-sha256=" + spec
            + "\n" + (lease == null ? "" : "lease=" + lease + "\n");
    }

    /**
     * The mark in a marker file's text; null when the text is not a marker FBS wrote. A marker without an attempt
     * was written before attempts were recorded: it counts as attempt 0, older than any.
     */
    static StagingMark parse(String text) {
        Long build = null;
        int attempt = 0;
        String spec = null;
        String lease = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("build=") && line.substring(6).matches("[0-9]{1,18}")) {
                build = Long.parseLong(line.substring(6));
            } else if (line.startsWith("attempt=") && line.substring(8).matches("[0-9]{1,9}")) {
                attempt = Integer.parseInt(line.substring(8));
            } else if (line.startsWith("spec-sha256=") && line.substring(12).matches("[0-9a-f]{64}")) {
                spec = line.substring(12);
            } else if (line.startsWith("lease=") && LEASE.matcher(line.substring(6)).matches()) {
                lease = line.substring(6);
            }
        }
        return build == null || spec == null ? null : new StagingMark(build, attempt, spec, lease, Set.of());
    }

    /** Whether {@code marker} (a marker file's text, or null for none) still names this very run. */
    boolean isIn(String marker) {
        StagingMark found = marker == null ? null : parse(marker);
        return found != null && found.build == build && found.attempt == attempt && found.spec.equals(spec)
            && Objects.equals(found.lease, lease);
    }

    /**
     * Fails unless this attempt may take {@code folder}, which exists already: {@code marker} is the text of its
     * marker file (null when it has none) and {@code others} the names of everything else in it. A folder an earlier
     * attempt of this build marked may be taken. With {@code adoptEmpty}, so may one with nothing in it but perhaps a
     * half-written marker (a crash between creating it and marking it, where a server cannot create a folder marked
     * already): an empty folder holds nothing to lose. Local folders are made marked, so there an unmarked folder is
     * never FBS's: someone else made it, perhaps with links planted for FBS to write through.
     */
    void checkClaim(String folder, String marker, List<String> others, boolean adoptEmpty) throws StagingException {
        String refusal = "staging folder " + folder + " already exists and ";
        if (marker == null) {
            if (adoptEmpty && others.stream().allMatch(PARTIAL::equals)) {
                return;
            }
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
        if (lease != null && found.lease != null) {
            if (deadLeases.contains(found.lease)) {
                return; // the master gave that run up: nothing of it counts any more
            }
            throw new StagingException(refusal + "holds the files of another run of build " + build + " (attempt "
                + found.attempt + ", lease " + found.lease + ") that the master has not given up on; not touching it",
                true);
        }
        if (found.attempt >= attempt) {
            throw new StagingException(refusal + "belongs to attempt " + found.attempt + " of build " + build
                + (found.attempt == attempt ? ", which staged there already" : ", newer than this attempt " + attempt)
                + "; not overwriting it");
        }
    }
}
