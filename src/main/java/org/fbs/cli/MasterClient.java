package org.fbs.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** The master's REST API (/api/v1) as the client commands use it: blocking calls, JSON answers, errors as exceptions. */
final class MasterClient {

    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration ANSWER = Duration.ofSeconds(60);
    /** A followed log streams as long as the build runs (bounded by the master's build timeout), or waits in the queue. */
    private static final Duration FOLLOW = Duration.ofDays(7);

    /** The master (or a worker) could not be reached at all. */
    static final class Unreachable extends Exception {
        /** What could not be reached, for the message: "the FBS master at URL", "the worker's log at URL". */
        final String what;

        Unreachable(String what, Throwable cause) {
            super(describe(cause));
            this.what = what;
        }

        /** What the master said of something behind it that it could not reach. */
        Unreachable(String what, String message) {
            super(message);
            this.what = what;
        }

        private static String describe(Throwable cause) {
            if (cause instanceof HttpConnectTimeoutException) {
                return "no answer to the connection within " + CONNECT.toSeconds() + " s";
            }
            if (cause instanceof HttpTimeoutException) {
                return "no answer within " + ANSWER.toSeconds() + " s";
            }
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
            String message = cause.getMessage();
            return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
        }
    }

    /** The master answered with an error: its status, its message and each listed problem. */
    static final class Refused extends Exception {
        final int status;
        final List<String> errors;

        Refused(int status, String error, List<String> errors) {
            super(error);
            this.status = status;
            this.errors = List.copyOf(errors);
        }
    }

    private final HttpClient http;
    private final ClientConfig config;

    MasterClient(ClientConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    String url() {
        return config.url();
    }

    /** The build's URL for people: where its JSON is. */
    String buildUrl(long id) {
        return config.url() + "/api/v1/builds/" + id;
    }

    /** Submits a spec file's text: JSON if it starts with '{', else the INI form. The stored build. */
    JsonObject submit(String spec) throws Unreachable, Refused {
        String type = spec.strip().startsWith("{") ? "application/json" : "text/plain; charset=utf-8";
        return object(send(request("/api/v1/builds").header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(spec, StandardCharsets.UTF_8))));
    }

    JsonObject build(long id) throws Unreachable, Refused {
        return object(send(request("/api/v1/builds/" + id).GET()));
    }

    /** Builds newest first; {@code filters} are the API's query parameters (null values left out). */
    JsonArray builds(Map<String, String> filters) throws Unreachable, Refused {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        filters.forEach((key, value) -> {
            if (value != null) {
                query.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return object(send(request("/api/v1/builds" + query).GET())).getJsonArray("builds", new JsonArray());
    }

    /** The build: CANCELED when it ended at once, else as it is while its worker stops it. */
    JsonObject cancel(long id) throws Unreachable, Refused {
        return object(send(request("/api/v1/builds/" + id + "/cancel").POST(HttpRequest.BodyPublishers.noBody())));
    }

    JsonArray workers() throws Unreachable, Refused {
        return object(send(request("/api/v1/workers").GET())).getJsonArray("workers", new JsonArray());
    }

    JsonObject drain(String worker, boolean exit) throws Unreachable, Refused {
        return object(send(request("/api/v1/workers/" + segment(worker) + "/drain")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("exit", exit).encode()))));
    }

    JsonObject undrain(String worker) throws Unreachable, Refused {
        return object(send(request("/api/v1/workers/" + segment(worker) + "/undrain")
            .POST(HttpRequest.BodyPublishers.noBody())));
    }

    /**
     * A build's log as the master streams it: {@code tail} when it is only the last lines the master kept;
     * {@code attempt} the build's attempt whose log it is (0 when the master does not say).
     */
    record Log(InputStream body, boolean tail, int attempt) {
    }

    /**
     * Opens a build's log through the master ({@code GET /api/v1/builds/{id}/log}), which reads it from the worker:
     * the client never needs to reach a worker. With {@code follow}, a stream that ends when the build ends (the
     * master waits while the build has no worker yet).
     *
     * @throws Refused      no such build, or no log (yet), in the master's words
     * @throws Unreachable  the master, or (502) the worker behind it, cannot be reached
     */
    Log log(long id, boolean follow) throws Unreachable, Refused {
        HttpRequest.Builder request = request("/api/v1/builds/" + id + "/log" + (follow ? "?follow=true" : ""))
            .setHeader("Accept", "text/plain, application/json");
        if (follow) {
            request.timeout(FOLLOW);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Unreachable("the FBS master at " + config.url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("the FBS master at " + config.url(), e);
        }
        if (response.statusCode() == 200) {
            return new Log(response.body(), response.headers().firstValue("FBS-Log").orElse("").equals("tail"),
                response.headers().firstValue("FBS-Attempt").map(MasterClient::attempt).orElse(0));
        }
        String text;
        try (InputStream in = response.body()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unreachable("the FBS master at " + config.url(), e);
        }
        if (response.statusCode() == 502) {
            JsonObject said = json(text);
            throw new Unreachable("the log of build " + id, said != null && said.getValue("error") instanceof String e
                ? e : "the master answered 502 (bad gateway)");
        }
        throw refused(response.statusCode(), text, response.uri(), "GET");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(config.url() + path)).timeout(ANSWER)
            .header("Accept", "application/json");
        if (config.token() != null) {
            builder.header("Authorization", "Bearer " + config.token());
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Unreachable {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Unreachable("the FBS master at " + config.url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("the FBS master at " + config.url(), e);
        }
    }

    /** A 2xx answer's JSON object; an error answer as {@link Refused}, in the API's words when it has them. */
    private static JsonObject object(HttpResponse<String> response) throws Refused {
        JsonObject body = json(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300 && body != null) {
            return body;
        }
        throw refused(status, response.body(), response.uri(), response.request().method());
    }

    /** An answer that is not what was asked for, said in the API's words when it has them. */
    private static Refused refused(int status, String text, URI uri, String method) {
        JsonObject body = json(text);
        if (body != null && body.getValue("error") instanceof String error) {
            JsonArray errors = body.getJsonArray("errors", new JsonArray());
            return new Refused(status, error, errors.stream().map(String::valueOf).toList());
        }
        if (status == 404) {
            return new Refused(status, "the server at " + uri.resolve("/") + " has no " + method + " " + uri.getPath()
                + "; is it an FBS master, and of this version?", List.of());
        }
        String what = status >= 200 && status < 300 ? "an answer that is not JSON" : "status " + status;
        return new Refused(status, "the server at " + uri.resolve("/") + " sent " + what + "; is it an FBS master?",
            List.of());
    }

    /** The text as a JSON object, or null when it is not one. */
    /** The attempt a header names; 0 for anything but a number. */
    private static int attempt(String header) {
        try {
            return Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static JsonObject json(String text) {
        try {
            if (text != null && text.strip().startsWith("{")) {
                return new JsonObject(text);
            }
        } catch (DecodeException e) {
            // not JSON
        }
        return null;
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
