package org.fbs.koji;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** Fetches one RPM into the cache: checked against Koji's size, retried on network errors and short files. */
final class RpmDownloader {

    static final int ATTEMPTS = 3;
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final RpmCache cache;
    private final Duration retryDelay;

    RpmDownloader(HttpClient http, RpmCache cache, Duration retryDelay) {
        this.http = http;
        this.cache = cache;
        this.retryDelay = retryDelay;
    }

    /**
     * Writes the body to {@code file} in this thread (so nothing writes to it once we return), stopping one byte
     * past {@code expected}: a server that sends too much cannot fill the disk. Returns the bytes written.
     */
    private static long copy(InputStream body, Path file, long expected) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = body.read(buffer); n >= 0 && written <= expected; n = body.read(buffer)) {
                out.write(buffer, 0, n);
                written += n;
            }
        }
        return written;
    }

    /** Downloads {@code rpm}, puts it in the cache and links it to {@code target}. */
    void download(RemoteRpm rpm, Path target, Consumer<String> log) throws KojiException, IOException,
        InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(rpm.url()).timeout(HEADERS_TIMEOUT).GET().build();
        String problem = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Path temp = cache.tempFile(rpm);
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    int status = response.statusCode();
                    if (status == 404) {
                        throw new KojiException(rpm.nvra() + " is not on the package server: HTTP 404 for "
                            + rpm.url());
                    }
                    if (status != 200) {
                        problem = "HTTP " + status;
                    } else {
                        long got = copy(body, temp, rpm.size());
                        if (got != rpm.size()) {
                            problem = "got " + (got > rpm.size() ? "more than " + rpm.size() : got)
                                + " bytes where Koji lists " + rpm.size();
                        } else {
                            cache.place(rpm, temp, target);
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } finally {
                Files.deleteIfExists(temp); // gone already once placed; a failed attempt leaves nothing behind
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopped while downloading " + rpm.nvra());
            }
            if (attempt < ATTEMPTS) {
                Duration wait = retryDelay.multipliedBy(attempt);
                log.accept("download of " + rpm.nvra() + " failed (" + problem + "), attempt " + attempt + " of "
                    + ATTEMPTS + "; retrying in " + wait.toMillis() + " ms");
                Thread.sleep(wait.toMillis());
            }
        }
        throw new KojiException("could not download " + rpm.nvra() + " from " + rpm.url() + " in " + ATTEMPTS
            + " attempts: " + problem);
    }
}
