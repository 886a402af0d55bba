package org.fbs.koji;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.fbs.build.ExtraPackage;
import org.fbs.config.KojiSettings;
import org.fbs.spec.KojiPackages;

/**
 * Puts the RPMs of the requested Koji builds for one arch into a folder: asks the hub which RPMs there are,
 * takes what the worker's cache has, and downloads the rest in parallel. One per worker (it owns the cache);
 * blocking, so call it on a build thread.
 */
public final class SideRepoFetcher {

    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final KojiSettings settings;
    private final HttpClient http;
    private final RpmCache cache;
    private final KojiResolver resolver;
    private final RpmDownloader downloader;

    public SideRepoFetcher(KojiSettings settings, Path cacheDir) {
        this.settings = settings;
        // HTTP/1.1: one plain connection per parallel download, as kojipkgs serves them.
        this.http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
        this.cache = new RpmCache(cacheDir, settings.cacheBytes());
        this.resolver = new KojiResolver(new KojiHub(settings.hub(), http), settings.topurl());
        this.downloader = new RpmDownloader(http, cache, RETRY_DELAY);
    }

    /** Fetches the packages into {@code repoDir} (which must exist) and says which went in. */
    public List<ExtraPackage> fetch(KojiPackages packages, String arch, Path repoDir, Consumer<String> log)
        throws KojiException, IOException, InterruptedException {
        log.accept("asking Koji (" + settings.hub() + ") for " + describe(packages));
        List<RemoteRpm> rpms;
        try {
            rpms = resolver.resolve(packages, arch);
        } catch (IOException e) {
            throw new KojiException("cannot reach the Koji hub " + settings.hub() + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        List<RemoteRpm> missing = new ArrayList<>();
        for (RemoteRpm rpm : rpms) {
            if (cache.linkInto(rpm, repoDir.resolve(rpm.fileName()))) {
                log.accept("cache hit: " + rpm.nvra() + " (" + rpm.size() + " bytes)");
            } else {
                missing.add(rpm);
            }
        }
        long bytes = missing.stream().mapToLong(RemoteRpm::size).sum();
        log.accept(rpms.size() + " package(s) for " + arch + ": " + (rpms.size() - missing.size())
            + " from the cache, " + missing.size() + " to download (" + bytes + " bytes, " + settings.parallel()
            + " at a time)");
        long start = System.nanoTime();
        downloadAll(missing, repoDir, log);
        if (!missing.isEmpty()) {
            double seconds = (System.nanoTime() - start) / 1e9;
            log.accept(String.format(Locale.ROOT, "downloaded %d package(s), %d bytes, in %.1f s", missing.size(), bytes, seconds));
        }
        return rpms.stream().map(r -> new ExtraPackage(r.nvra(), r.size())).toList();
    }

    private void downloadAll(List<RemoteRpm> rpms, Path repoDir, Consumer<String> log) throws KojiException,
        IOException, InterruptedException {
        if (rpms.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.parallel(), rpms.size()));
        try {
            ExecutorCompletionService<RemoteRpm> done = new ExecutorCompletionService<>(pool);
            for (RemoteRpm rpm : rpms) {
                done.submit(() -> {
                    downloader.download(rpm, repoDir.resolve(rpm.fileName()), log);
                    return rpm;
                });
            }
            for (int i = 1; i <= rpms.size(); i++) {
                try {
                    RemoteRpm rpm = done.take().get();
                    log.accept("downloaded " + rpm.nvra() + " (" + rpm.size() + " bytes) [" + i + "/" + rpms.size()
                        + "]");
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            // After a failure the other downloads stop (the build fails anyway); waiting for them means each
            // has removed its temp file before the build goes on.
            pool.shutdownNow();
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                log.accept("some downloads did not stop within a minute");
            }
        }
    }

    private static KojiException rethrow(Throwable cause) throws IOException, InterruptedException {
        if (cause instanceof KojiException k) {
            return k;
        }
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof InterruptedException ie) {
            throw ie;
        }
        throw new IllegalStateException("download broke", cause);
    }

    private static String describe(KojiPackages packages) {
        List<String> parts = new ArrayList<>(packages.nvrs());
        packages.buildIds().forEach(id -> parts.add("build id " + id));
        return String.join(", ", parts);
    }
}
