import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.fbs.build.FileTrees;
import org.fbs.staging.EmbeddedFtpServer;
import org.fbs.staging.FileStager;
import org.fbs.staging.FtpStager;

/**
 * Staging a big file over FTP on loopback (FtpStager) against curl -T to the same server (Apache FtpServer, the one
 * the tests use), and local staging (FileStager) against cp (and cp followed by sha256sum, which gives what
 * FileStager records). Each is run RUNS times; the median counts.
 * Usage: java StagingBench FILE WORKDIR RUNS
 */
public final class StagingBench {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        long size = Files.size(file);
        Path ftpRoot = Files.createDirectories(work.resolve("ftp"));
        Path local = Files.createDirectories(work.resolve("local"));

        List<Double> ftp = new ArrayList<>();
        List<Double> curl = new ArrayList<>();
        List<Double> stage = new ArrayList<>();
        List<Double> cp = new ArrayList<>();
        List<Double> cpSum = new ArrayList<>();
        try (EmbeddedFtpServer server = new EmbeddedFtpServer(ftpRoot)) {
            FtpStager ftpStager = new FtpStager();
            FileStager fileStager = new FileStager(List.of(local));
            for (int run = 1; run <= runs; run++) {
                long id = run;
                String folder = "run-" + run;
                ftp.add(time(() -> ftpStager.stage(server.url(null, null, "/fbs"), id, folder, List.of(file))));
                FileTrees.delete(ftpRoot.resolve("fbs"));

                String target = server.url(null, null, "/curl/" + folder + "/" + file.getFileName());
                curl.add(time(() -> run("curl", "-sS", "--ftp-create-dirs", "-T", file.toString(), target)));
                FileTrees.delete(ftpRoot.resolve("curl"));

                stage.add(time(() -> fileStager.stage("file://" + local.resolve("fbs"), id, folder, List.of(file))));
                FileTrees.delete(local.resolve("fbs"));

                Path copy = Files.createDirectories(local.resolve("cp"));
                Path copied = copy.resolve(file.getFileName());
                cp.add(time(() -> run("cp", file.toString(), copied.toString())));
                FileTrees.delete(copy);

                Files.createDirectories(copy);
                cpSum.add(time(() -> {
                    run("cp", file.toString(), copied.toString());
                    run("sha256sum", copied.toString());
                }));
                FileTrees.delete(copy);
            }
        }
        System.out.printf(Locale.ROOT, "file: %d bytes, %d runs, medians%n", size, runs);
        System.out.println("| What | Median time | Throughput | Ratio |");
        System.out.println("| --- | --- | --- | --- |");
        row("FTP: FtpStager (hash + size check + rename)", median(ftp), size, median(ftp) / median(curl), "curl -T");
        row("FTP: curl -T (the baseline)", median(curl), size, 1, "");
        row("Local: FileStager (hash + atomic rename)", median(stage), size, median(stage) / median(cp), "cp");
        row("Local: cp (the baseline)", median(cp), size, 1, "");
        row("Local: cp, then sha256sum (the same guarantees with shell tools)", median(cpSum), size,
            median(cpSum) / median(cp), "cp");
        System.out.println();
        System.out.println("all runs (s): ftp=" + ftp + " curl=" + curl + " stage=" + stage + " cp=" + cp + " cp+sha256sum=" + cpSum);
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double time(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue());
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void row(String what, double seconds, long size, double ratio, String against) {
        System.out.printf(Locale.ROOT, "| %s | %.2f s | %.0f MiB/s | %s |%n", what, seconds,
            size / seconds / (1024 * 1024), against.isEmpty() ? "1.00" : String.format(Locale.ROOT, "%.2f x %s", ratio,
                against));
    }
}
