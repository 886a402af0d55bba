package org.fbs.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks with the cluster-wide secret ({@code cluster.secret-file}): HMAC-SHA256, compared in constant time.
 * The master signs the worker links it hands out ({@code /log/ID}, {@code /artifacts/ID/FILE}); the worker serves
 * only a link whose signature covers that build, that path and an expiry still ahead.
 */
public final class LinkSigner {

    /** The query parameters of a signed link. */
    public static final String EXPIRES = "expires";
    public static final String SIGNATURE = "sig";
    /** The fewest bytes a secret may have: HMAC-SHA256's own block of strength. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    /** One random secret for every role of this process: enough when master and worker share a JVM. */
    private static final LinkSigner PER_PROCESS = new LinkSigner(newSecret(), Clock.systemUTC());

    private final SecretKeySpec key;
    private final Clock clock;

    public LinkSigner(byte[] secret, Clock clock) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret has " + secret.length + " bytes, fewer than "
                + MIN_SECRET_BYTES);
        }
        this.key = new SecretKeySpec(secret.clone(), HMAC);
        this.clock = clock;
    }

    /** The secret of this process, made at random when the JVM started (standalone nodes, in-process tests). */
    public static LinkSigner perProcess() {
        return PER_PROCESS;
    }

    /**
     * The secret in {@code file}: at least {@value #MIN_SECRET_BYTES} bytes, readable by its owner only (like ssh's
     * keys: a secret others can read is no secret). Errors name {@code cluster.secret-file}.
     */
    public static LinkSigner fromFile(Path file, Clock clock) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("cluster.secret-file: " + file + " is not a file (make one with "
                    + "`fbs cluster keys DIR`)");
            }
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
                if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new IllegalArgumentException("cluster.secret-file: " + file + " can be read by others than "
                        + "its owner; chmod 600 it");
                }
            }
            byte[] secret = Files.readAllBytes(file);
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("cluster.secret-file: " + file + " has " + secret.length
                    + " bytes, fewer than " + MIN_SECRET_BYTES);
            }
            return new LinkSigner(secret, clock);
        } catch (IOException e) {
            throw new IllegalArgumentException("cluster.secret-file: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@value #MIN_SECRET_BYTES} random bytes: a new cluster secret. */
    public static byte[] newSecret() {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    public Clock clock() {
        return clock;
    }

    /** The signature of {@code message} (base64url, no padding). */
    public String sign(String message) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }

    /** Whether {@code signature} is this secret's for {@code message}; the comparison takes the same time either way. */
    public boolean verifies(String message, String signature) {
        if (signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(message).getBytes(StandardCharsets.US_ASCII),
            signature.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The query ({@code expires=...&sig=...}) that lets a worker serve {@code path} (as the worker sees it:
     * {@code /log/ID} or {@code /artifacts/ID/FILE}) of build {@code buildId} until {@code expires}.
     */
    public String linkQuery(long buildId, String path, Instant expires) {
        long at = expires.getEpochSecond();
        return EXPIRES + "=" + at + "&" + SIGNATURE + "=" + sign(linkMessage(buildId, path, at));
    }

    /**
     * Whether a request for {@code path} of build {@code buildId} carries a signature the master made for exactly
     * that, whose expiry (epoch seconds) has not passed.
     */
    public boolean allows(long buildId, String path, String expires, String signature) {
        if (expires == null || !expires.matches("[0-9]{1,12}")) {
            return false;
        }
        long at = Long.parseLong(expires);
        // Checked before the expiry, so that the answer takes as long for an expired link as for a forged one.
        boolean signed = verifies(linkMessage(buildId, path, at), signature);
        return signed && clock.instant().getEpochSecond() <= at;
    }

    private static String linkMessage(long buildId, String path, long expires) {
        return "fbs-link\n" + buildId + "\n" + path + "\n" + expires;
    }
}
