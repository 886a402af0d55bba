package org.fbs.worker;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.fbs.build.FileTrees;
import org.fbs.config.KojiSettings;
import org.fbs.config.WorkerSettings;
import org.fbs.koji.LocalKoji;
import org.fbs.koji.TestRpms;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.KojiPackages;
import org.fbs.spec.SpecParser;

/**
 * The side-repo step against plain sequential curl: 40 RPMs of 5 MB (made by rpmbuild) from a local Koji
 * stand-in, fetched by (a) curl, one process per file, one after the other, and (b) FBS's side-repo stage
 * (hub calls, worker.koji.parallel downloads with size checks, cache placement, createrepo_c), cold cache and
 * warm cache. Twice: straight over loopback, and with the server sending each file at most 20 MB/s, as a
 * distant kojipkgs would per connection. Prints a Markdown table. Run it with bench/side-repo.sh.
 */
public final class SideRepoBench {

    private static final int PACKAGES = 40;
    private static final int BYTES = 5 * 1024 * 1024;
    private static final long THROTTLE = 20L * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path root = Files.createTempDirectory("fbs-bench-");
        Vertx vertx = Vertx.vertx();
        try (LocalKoji koji = LocalKoji.start(root.resolve("kojipkgs"))) {
            List<TestRpms.Package> packages = new ArrayList<>();
            for (int i = 1; i <= PACKAGES; i++) {
                packages.add(new TestRpms.Package(String.format("p%02d", i), false, BYTES));
            }
            List<Path> rpms = TestRpms.build(root.resolve("rpms"), "bench", "1.0", "1.fc41", "x86_64", packages);
            long total = 0;
            for (Path rpm : rpms) {
                total += Files.size(rpm);
            }
            LocalKoji.Build build = koji.add(1, "bench", "1.0", "1.fc41", 1, "DEFAULT", rpms);
            List<URI> urls = rpms.stream().map(r -> koji.topurl().resolve("packages/bench/1.0/1.fc41/x86_64/"
                + r.getFileName())).toList();
            System.out.printf(Locale.ROOT, "%d RPMs, %.1f MB in all, %d run(s) each, median%n%n", rpms.size(),
                total / 1e6, runs);
            System.out.println("| Server | curl, sequential | FBS side repo, cold cache | curl / FBS "
                + "| FBS, warm cache |");
            System.out.println("| --- | --- | --- | --- | --- |");
            for (long limit : new long[] {0, THROTTLE}) {
                koji.throttle(limit);
                double curl = median(runs, () -> curl(urls, root.resolve("curl")));
                double cold = median(runs, () -> sideRepo(vertx, koji, root, true));
                double warm = median(runs, () -> sideRepo(vertx, koji, root, false));
                System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s | %.2f | %.2f s |%n",
                    limit == 0 ? "loopback, unthrottled" : "loopback, 20 MB/s per connection", curl, cold,
                    curl / cold, warm);
            }
            System.out.println();
            System.out.println("(" + build.nvr() + ", worker.koji.parallel=4; createrepo_c is inside the FBS times)");
        } finally {
            vertx.close().await();
            FileTrees.delete(root);
        }
    }

    interface Run {
        void run() throws Exception;
    }

    private static double median(int runs, Run run) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run.run();
            seconds.add((System.nanoTime() - start) / 1e9);
        }
        seconds.sort(Comparator.naturalOrder());
        return seconds.get(seconds.size() / 2);
    }

    private static void curl(List<URI> urls, Path dir) throws IOException, InterruptedException {
        FileTrees.delete(dir);
        Files.createDirectories(dir);
        for (URI url : urls) {
            String name = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            Process p = new ProcessBuilder("curl", "-sSf", "-o", dir.resolve(name).toString(), url.toString())
                .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("curl failed for " + url);
            }
        }
    }

    /** One side-repo stage in a fresh work dir; {@code cold}: with an empty cache. */
    private static void sideRepo(Vertx vertx, LocalKoji koji, Path root, boolean cold) throws Exception {
        Path work = root.resolve("worker");
        if (cold) {
            FileTrees.delete(work);
        }
        Path buildDir = work.resolve("builds/1");
        FileTrees.delete(buildDir);
        Files.createDirectories(buildDir);
        WorkerSettings settings = new WorkerSettings("bench", "127.0.0.1", 0, "http://127.0.0.1:0", List.of("x86_64"),
            List.of("41"), 1, work, List.of(root), Map.of(),
            new KojiSettings(koji.hub(), koji.topurl(), 4, 10L << 30), WorkerSettings.DEFAULT_RETENTION);
        BuildSpec base = SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\n");
        BuildSpec spec = new BuildSpec(base.type(), base.arch(), base.release(), base.staging(), base.email(),
            new KojiPackages(List.of("bench-1.0-1.fc41"), List.of()), base.boot(), base.dvd(), base.live());
        try (BuildLog log = BuildLog.open(work.resolve("logs"), 1, vertx.eventBus(), new LiveLogs())) {
            SideRepoStage.SideRepo repo = new SideRepoStage(settings, new RunningTools()).build(spec, buildDir, log);
            try (Stream<Path> files = Files.list(repo.dir())) {
                if (files.filter(f -> f.toString().endsWith(".rpm")).count() != PACKAGES) {
                    throw new IllegalStateException("the side repo lacks packages: see " + log.file());
                }
            }
        }
    }
}
