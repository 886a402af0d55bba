import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark client that bench/service.sh drives (run as a source file: java -cp target/fbs.jar bench/src/ServiceBench.java ...).
 *
 *   dispatch MASTER_URL BUILDS CLIENTS RELEASE [GAP_MS]
 *                                                submit BUILDS boot builds for x86_64/RELEASE from CLIENTS
 *                                                threads (each waiting GAP_MS after each answer); print the time
 *                                                from each POST being sent to the worker's RUNNING timestamp for
 *                                                that build (p50, p99, max)
 *   fill MASTER_URL BUILDS CLIENTS RELEASE WINDOW
 *                                                submit BUILDS builds for x86_64/RELEASE (no worker builds it, so
 *                                                they stay queued) from CLIENTS threads; print the submissions
 *                                                answered per second in each WINDOW of them, first to last
 *   follow MASTER_URL RELEASE                    submit a build for x86_64/RELEASE whose tool prints "tick
 *                                                <epoch µs>" lines, follow its live log, and print how long
 *                                                each line took from the tool to this reader (p50, p99, max)
 *
 *   section FILE                                 replace (or add) the "## ..." section read from stdin in FILE
 *
 * Output: one line of JSON, for bench/run to put in BENCHMARKS.md.
 */
public final class ServiceBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "dispatch" -> dispatch(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
                args.length > 5 ? Long.parseLong(args[5]) : 0);
            case "follow" -> follow(args[1], args[2]);
            case "fill" -> fill(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
                Integer.parseInt(args[5]));
            case "section" -> section(Path.of(args[1]), new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
        }
    }

    static void dispatch(String master, int builds, int clients, String release, long gapMs) throws Exception {
        String spec = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=" + release + "\n";
        Map<Long, Instant> sent = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int share = builds / clients + (c < builds % clients ? 1 : 0);
            done.add(pool.submit(() -> {
                for (int i = 0; i < share; i++) {
                    HttpRequest post = HttpRequest.newBuilder(URI.create(master + "/api/v1/builds"))
                        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(spec)).build();
                    Instant at = Instant.now();
                    HttpResponse<String> answer = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 201) {
                        throw new IllegalStateException("POST answered " + answer.statusCode() + ": " + answer.body());
                    }
                    sent.put(new JsonObject(answer.body()).getLong("id"), at);
                    if (gapMs > 0) {
                        Thread.sleep(gapMs);
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow(); // a failed client must not leave the others holding the JVM
        }
        List<Double> millis = new ArrayList<>();
        List<Double> queuedToAssigned = new ArrayList<>();
        List<Double> assignedToRunning = new ArrayList<>();
        // In the order they were sent, so that the first and the last 100 can be compared (growth over the run).
        List<Map.Entry<Long, Instant>> inOrder = new ArrayList<>(sent.entrySet());
        inOrder.sort(Map.Entry.comparingByValue());
        for (Map.Entry<Long, Instant> e : inOrder) {
            Map<String, Instant> history = historyUntilRunning(master, e.getKey());
            millis.add(e.getValue().until(history.get("RUNNING"), ChronoUnit.MICROS) / 1000.0);
            // QUEUED to ASSIGNED holds the offer's round trip: the worker's answer waits for its run marker on disk.
            queuedToAssigned.add(history.get("QUEUED").until(history.get("ASSIGNED"), ChronoUnit.MICROS) / 1000.0);
            assignedToRunning.add(history.get("ASSIGNED").until(history.get("RUNNING"), ChronoUnit.MICROS) / 1000.0);
        }
        String spans = System.getenv("BENCH_SPANS");
        if (spans != null) {
            // Each build's span, in the order sent, for looking at when the slow ones came.
            Files.write(Path.of(spans), millis.stream().map(String::valueOf).toList());
        }
        int edge = Math.min(100, millis.size());
        JsonObject first = summary(new ArrayList<>(millis.subList(0, edge)));
        JsonObject last = summary(new ArrayList<>(millis.subList(millis.size() - edge, millis.size())));
        System.out.println(summary(millis).put("builds", builds).put("clients", clients)
            .put("first100", first).put("last100", last)
            .put("queued_to_assigned", summary(queuedToAssigned))
            .put("assigned_to_running", summary(assignedToRunning)).encode());
    }

    /**
     * Submits BUILDS builds for x86_64/RELEASE (one no worker builds, so they all stay queued) from CLIENTS threads and
     * prints, for each WINDOW submissions in the order they were answered, the rate at which they were answered: a
     * queue that slows as it grows shows as falling rates.
     */
    static void fill(String master, int builds, int clients, String release, int window) throws Exception {
        String spec = "[DEFAULT]\ntype=boot\narch=x86_64\nrelease=" + release + "\n";
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long[] answeredAt = new long[builds];
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                while (next.getAndIncrement() < builds) {
                    HttpRequest post = HttpRequest.newBuilder(URI.create(master + "/api/v1/builds"))
                        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(spec)).build();
                    HttpResponse<String> answer = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 201) {
                        throw new IllegalStateException("POST answered " + answer.statusCode() + ": " + answer.body());
                    }
                    answeredAt[answered.getAndIncrement()] = System.nanoTime();
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long[] at = answeredAt.clone();
        java.util.Arrays.sort(at);
        JsonArray rates = new JsonArray();
        long from = start;
        for (int end = window; end <= builds; end += window) {
            long to = at[end - 1];
            rates.add(Math.round(window / ((to - from) / 1e9)));
            from = to;
        }
        System.out.println(new JsonObject().put("builds", builds).put("clients", clients).put("window", window)
            .put("seconds", Math.round((at[builds - 1] - start) / 1e8) / 10.0)
            .put("per_second_by_window", rates).encode());
    }

    /**
     * The first instant of each state of the build up to its first RUNNING transition (the worker's timestamp),
     * waiting up to a minute for it.
     */
    static Map<String, Instant> historyUntilRunning(String master, long id) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> got = HTTP.send(HttpRequest.newBuilder(URI.create(master + "/api/v1/builds/" + id))
                .build(), HttpResponse.BodyHandlers.ofString());
            JsonArray history = new JsonObject(got.body()).getJsonArray("history");
            Map<String, Instant> first = new java.util.HashMap<>();
            for (Object t : history) {
                JsonObject transition = (JsonObject) t;
                first.putIfAbsent(transition.getString("state"), Instant.parse(transition.getString("at")));
                if ("RUNNING".equals(transition.getString("state"))) {
                    return first;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("build " + id + " never ran");
    }

    static void follow(String master, String release) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(master + "/api/v1/builds"))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=" + release + "\n"))
            .build(), HttpResponse.BodyHandlers.ofString());
        long id = new JsonObject(created.body()).getLong("id");
        String logUrl = null;
        while (logUrl == null) {
            Thread.sleep(5);
            logUrl = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(master + "/api/v1/builds/" + id))
                .build(), HttpResponse.BodyHandlers.ofString()).body()).getString("logUrl");
        }
        HttpResponse<java.io.InputStream> stream = HTTP.send(
            HttpRequest.newBuilder(URI.create(logUrl + "?follow=true")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        // Lines written before the reader was connected arrive at once as the log's beginning: not live, not counted.
        long connected = micros(Instant.now());
        List<Double> millis = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int tick = line.indexOf("tick ");
                if (tick >= 0) {
                    long now = micros(Instant.now());
                    long stamp = Long.parseLong(line.substring(tick + 5).trim());
                    if (stamp >= connected) {
                        millis.add((now - stamp) / 1000.0);
                    }
                }
            }
        }
        System.out.println(summary(millis).encode());
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    /** Replaces the section with the same "## " title in the file, or appends it; other sections stay. */
    static void section(Path file, String section) throws Exception {
        String title = section.strip().lines().findFirst().orElseThrow();
        String text = Files.exists(file) ? Files.readString(file)
            : "# FBS benchmarks\n\nFigures from the scripts in bench/; `bench/run` runs them all. Targets are goals,"
                + " not tests.\n";
        int at = text.indexOf(title + "\n");
        if (at < 0) {
            text = text.stripTrailing() + "\n\n" + section.strip() + "\n";
        } else {
            int next = text.indexOf("\n## ", at + title.length());
            text = text.substring(0, at) + section.strip() + "\n" + (next < 0 ? "" : text.substring(next));
        }
        Files.writeString(file, text);
    }

    static JsonObject summary(List<Double> millis) {
        Collections.sort(millis);
        return new JsonObject()
            .put("n", millis.size())
            .put("p50_ms", round(percentile(millis, 50)))
            .put("p99_ms", round(percentile(millis, 99)))
            .put("max_ms", round(millis.isEmpty() ? 0 : millis.get(millis.size() - 1)));
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
