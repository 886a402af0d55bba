package org.fbs.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import org.fbs.config.ClusterTls;

/**
 * What the start-up line says about event-bus TLS: the certificate this node presents (subject, SHA-256 fingerprint,
 * expiry) and how many certificates it trusts, read from the configured stores. Reading them here also turns a wrong
 * path or password into an error naming the setting, before Vert.x would fail on it with its own words.
 *
 * @param subject     the key's certificate subject, e.g. {@code CN=fbs-cluster}
 * @param fingerprint its SHA-256 fingerprint, colon-separated hex as keytool prints it
 * @param notAfter    when it expires
 * @param trusted     the certificates in the trust store
 */
public record EventBusCertificate(String subject, String fingerprint, Instant notAfter, int trusted) {

    /** Reads the key and trust stores of {@code tls}; the message of a failure names the setting at fault. */
    public static EventBusCertificate read(ClusterTls tls) {
        KeyStore keys = load(tls.keyStore(), tls.keyStorePassword(), "cluster.tls.key-store");
        KeyStore trust = load(tls.trustStore(), tls.trustStorePassword(), "cluster.tls.trust-store");
        try {
            X509Certificate certificate = null;
            for (String alias : Collections.list(keys.aliases())) {
                if (keys.isKeyEntry(alias) && keys.getCertificate(alias) instanceof X509Certificate x509) {
                    certificate = x509;
                    break;
                }
            }
            if (certificate == null) {
                throw new IllegalArgumentException("cluster.tls.key-store: " + tls.keyStore() + " holds no key with "
                    + "a certificate");
            }
            int trusted = 0;
            for (String alias : Collections.list(trust.aliases())) {
                if (trust.isCertificateEntry(alias)) {
                    trusted++;
                }
            }
            if (trusted == 0) {
                throw new IllegalArgumentException("cluster.tls.trust-store: " + tls.trustStore() + " holds no "
                    + "certificate, so this node would trust no other");
            }
            return new EventBusCertificate(certificate.getSubjectX500Principal().getName(),
                fingerprint(certificate), certificate.getNotAfter().toInstant(), trusted);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cluster.tls: cannot read the stores: " + e.getMessage(), e);
        }
    }

    /** The start-up line; never a password. */
    public String describe(ClusterTls tls) {
        return "event-bus TLS is on: this node presents " + subject + " (SHA-256 " + fingerprint + ", valid until "
            + notAfter + ") from " + tls.keyStore() + " and trusts the " + trusted + " certificate"
            + (trusted == 1 ? "" : "s") + " in " + tls.trustStore();
    }

    static String fingerprint(Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private static KeyStore load(String file, String password, String setting) {
        String lower = file.toLowerCase(Locale.ROOT);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore store = KeyStore.getInstance(lower.endsWith(".p12") || lower.endsWith(".pfx") ? "PKCS12" : "JKS");
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof java.security.UnrecoverableKeyException
                || String.valueOf(e.getMessage()).contains("password")
                ? "wrong password (" + setting + "-password)" : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw new IllegalArgumentException(setting + ": cannot read " + file + ": " + why, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
