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

    /** The master (or a worker) could not be reached at all. */
    static final class Unreachable extends Exception {
        /** What could not be reached, for the message: "the FBS master at URL", "the worker's log at URL". */
        final String what;

        Unreachable(String what, Throwable cause) {
            super(describe(cause));
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
     * Opens a build's log on its worker (with {@code follow}, a stream that ends when the build ends). The token is
     * not sent: the worker serves logs to anyone who may reach it, and a token is for the master only.
     *
     * @return the body, or null when the worker has no such log (yet)
     */
    InputStream log(String logUrl, boolean follow) throws Unreachable, Refused {
        URI uri;
        try {
            uri = URI.create(logUrl + (follow ? "?follow=true" : ""));
        } catch (IllegalArgumentException e) {
            throw new Refused(0, "the build's log URL is not a URL: " + logUrl, List.of());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (!follow) {
            request.timeout(ANSWER);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Unreachable("the build's log at " + logUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("the build's log at " + logUrl, e);
        }
        if (response.statusCode() == 404) {
            close(response.body());
            return null;
        }
        if (response.statusCode() != 200) {
            close(response.body());
            throw new Refused(response.statusCode(), "the worker answered " + response.statusCode() + " for "
                + logUrl, List.of());
        }
        return response.body();
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
        JsonObject body = null;
        try {
            if (response.body().strip().startsWith("{")) {
                body = new JsonObject(response.body());
            }
        } catch (DecodeException e) {
            // said below
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300 && body != null) {
            return body;
        }
        if (body != null && body.getValue("error") instanceof String error) {
            JsonArray errors = body.getJsonArray("errors", new JsonArray());
            throw new Refused(status, error, errors.stream().map(String::valueOf).toList());
        }
        if (status == 404) {
            throw new Refused(status, "the server at " + response.uri().resolve("/") + " has no "
                + response.request().method() + " " + response.uri().getPath()
                + "; is it an FBS master, and of this version?", List.of());
        }
        String what = status >= 200 && status < 300 ? "an answer that is not JSON" : "status " + status;
        throw new Refused(status, "the server at " + response.uri().resolve("/") + " sent " + what
            + "; is it an FBS master?", List.of());
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing was read from it
        }
    }
}
