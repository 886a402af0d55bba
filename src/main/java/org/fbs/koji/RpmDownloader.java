package org.fbs.koji;

import java.io.IOException;
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

    /** Downloads {@code rpm}, puts it in the cache and links it to {@code target}. */
    void download(RemoteRpm rpm, Path target, Consumer<String> log) throws KojiException, IOException,
        InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(rpm.url()).timeout(HEADERS_TIMEOUT).GET().build();
        String problem = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Path temp = cache.tempFile(rpm);
            try {
                HttpResponse<Path> response = http.send(request, info -> info.statusCode() == 200
                    ? HttpResponse.BodySubscribers.ofFile(temp)
                    : HttpResponse.BodySubscribers.replacing(temp));
                int status = response.statusCode();
                if (status == 404) {
                    throw new KojiException(rpm.nvra() + " is not on the package server: HTTP 404 for " + rpm.url());
                }
                if (status != 200) {
                    problem = "HTTP " + status;
                } else if (Files.size(temp) != rpm.size()) {
                    problem = "got " + Files.size(temp) + " bytes where Koji lists " + rpm.size();
                } else {
                    cache.place(rpm, temp, target);
                    return;
                }
            } catch (IOException e) {
                problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } finally {
                Files.deleteIfExists(temp); // gone already once placed; a failed attempt leaves nothing behind
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
