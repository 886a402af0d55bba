package org.fbs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.fbs.cluster.LinkSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fbs cluster keys DIR}: what the nodes of a cluster share. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Make what the nodes of a cluster share: the event-bus key and the link secret.",
    subcommands = {ClusterCommand.Keys.class})
public final class ClusterCommand {

    /**
     * One self-signed key for the whole cluster (a PKCS#12 key store), a trust store holding its certificate, the
     * cluster secret that signs worker links, and the {@code cluster:} settings that name them with their passwords.
     * Every file is made readable by its owner only, in a folder of its own, and moved into DIR complete; keytool
     * runs as an argument list with its passwords in its environment, never on a command line others can read.
     */
    @Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Make a cluster's keys in DIR (created if missing): cluster-key.p12 (the event-bus key), "
            + "cluster-trust.p12 (its certificate), cluster-secret (signs the links to worker logs and files) and "
            + "cluster.yaml (the cluster: settings naming them, with the store passwords). Every file is 0600. "
            + "Copy DIR to the same path on every node and add cluster.yaml's settings to its fbs.yaml.",
            "Exit code 0; 1 if a file is already there (nothing is overwritten) or keytool failed."})
    public static final class Keys implements Callable<Integer> {

        static final String KEY_STORE = "cluster-key.p12";
        static final String TRUST_STORE = "cluster-trust.p12";
        static final String SECRET = "cluster-secret";
        static final String SETTINGS = "cluster.yaml";
        private static final String OWNER_ONLY = "rw-------";

        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "DIR", description = "where the files go, e.g. /etc/fbs/cluster")
        Path dir;

        @Override
        public Integer call() {
            PrintWriter out = command.commandLine().getOut();
            PrintWriter err = command.commandLine().getErr();
            Path target = dir.toAbsolutePath().normalize();
            Path work = null;
            try {
                for (String name : List.of(KEY_STORE, TRUST_STORE, SECRET, SETTINGS)) {
                    if (Files.exists(target.resolve(name))) {
                        throw new FileAlreadyExistsException(target.resolve(name) + " is already there; "
                            + "nothing was written (remove it to make new keys)");
                    }
                }
                if (!Files.isDirectory(target)) {
                    Files.createDirectories(target,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                // Made inside DIR (one file system, so the moves are atomic); createTempDirectory makes it 0700.
                work = Files.createTempDirectory(target, ".fbs-keys-");
                String keyPassword = password();
                String trustPassword = password();
                Map<String, String> env = Map.of("FBS_KEY_PASSWORD", keyPassword, "FBS_TRUST_PASSWORD", trustPassword);
                keytool(env, "-genkeypair", "-alias", "fbs", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=fbs-cluster", "-validity", "825", "-storetype", "PKCS12",
                    "-keystore", work.resolve(KEY_STORE).toString(),
                    "-storepass:env", "FBS_KEY_PASSWORD", "-keypass:env", "FBS_KEY_PASSWORD");
                Path certificate = work.resolve("cluster.crt");
                keytool(env, "-exportcert", "-rfc", "-alias", "fbs", "-keystore", work.resolve(KEY_STORE).toString(),
                    "-storepass:env", "FBS_KEY_PASSWORD", "-file", certificate.toString());
                keytool(env, "-importcert", "-noprompt", "-alias", "fbs", "-file", certificate.toString(),
                    "-storetype", "PKCS12", "-keystore", work.resolve(TRUST_STORE).toString(),
                    "-storepass:env", "FBS_TRUST_PASSWORD");
                Files.delete(certificate);
                ownerOnly(work.resolve(SECRET), LinkSigner.newSecret());
                ownerOnly(work.resolve(SETTINGS), settings(target, keyPassword, trustPassword)
                    .getBytes(StandardCharsets.UTF_8));
                List<Path> made = new ArrayList<>();
                for (String name : List.of(KEY_STORE, TRUST_STORE, SECRET, SETTINGS)) {
                    Files.setPosixFilePermissions(work.resolve(name), PosixFilePermissions.fromString(OWNER_ONLY));
                    made.add(Files.move(work.resolve(name), target.resolve(name), StandardCopyOption.ATOMIC_MOVE));
                }
                made.forEach(file -> out.println("wrote " + file));
                out.println("Copy " + target + " to the same path on every node (owned by the user the node runs "
                    + "as, mode 0600), and add the settings in " + target.resolve(SETTINGS) + " to each node's "
                    + "fbs.yaml.");
                out.flush();
                return 0;
            } catch (IOException | RuntimeException e) {
                err.println("fbs cluster keys: " + e.getMessage());
                err.flush();
                return 1;
            } finally {
                removeQuietly(work);
            }
        }

        /** The {@code cluster:} settings that use the files, as they will be in {@code dir}. */
        static String settings(Path dir, String keyPassword, String trustPassword) {
            return "# Made by `fbs cluster keys`: add to the cluster: section of fbs.yaml on every node.\n"
                + "cluster:\n"
                + "  secret-file: " + dir.resolve(SECRET) + "\n"
                + "  tls:\n"
                + "    enabled: true\n"
                + "    key-store: " + dir.resolve(KEY_STORE) + "\n"
                + "    key-store-password: \"" + keyPassword + "\"\n"
                + "    trust-store: " + dir.resolve(TRUST_STORE) + "\n"
                + "    trust-store-password: \"" + trustPassword + "\"\n";
        }

        private static String password() {
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }

        /** Runs the JDK's own keytool (the one beside this JVM) with {@code args}, no shell. */
        private static void keytool(Map<String, String> env, String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("keytool " + args[0] + " did not end within 60 s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while keytool ran", e);
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
            }
        }

        private static void ownerOnly(Path file, byte[] content) throws IOException {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY)));
            Files.write(file, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        private static void removeQuietly(Path work) {
            if (work == null) {
                return;
            }
            try (var files = Files.list(work)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(work);
            } catch (IOException e) {
                // Leftovers of a failed run are in a 0700 folder; nothing else to do.
            }
        }
    }
}
