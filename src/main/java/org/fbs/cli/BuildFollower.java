package org.fbs.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Follows a build to its end: prints its log as its worker writes it ({@code logUrl?follow=true}), again from the
 * start when the build goes to another worker, and says on standard error why it waits. A worker that cannot be
 * reached is said once; the build is then watched through the master until it ends.
 */
final class BuildFollower {

    /** How often the master is asked while nothing streams; a person watches, so once a second is plenty. */
    private static final long POLL_MS = 1000;

    private final MasterClient master;
    private final PrintWriter out;
    private final PrintWriter err;

    BuildFollower(MasterClient master, PrintWriter out, PrintWriter err) {
        this.master = master;
        this.out = out;
        this.err = err;
    }

    /** The build once it has ended. */
    JsonObject follow(long id) throws MasterClient.Unreachable, MasterClient.Refused {
        int printed = 0; // the attempt whose log was printed (or given up on)
        String said = null;
        while (true) {
            JsonObject build = master.build(id);
            int attempt = build.getInteger("attempt", 0);
            String logUrl = build.getString("logUrl");
            if (logUrl != null && attempt > printed) {
                if (printed > 0) {
                    err.println("fbs: build " + id + " went to worker " + build.getString("worker")
                        + " (attempt " + attempt + "); its log from the start:");
                    err.flush();
                }
                Outcome outcome = stream(logUrl);
                if (outcome == Outcome.PRINTED || outcome == Outcome.LOST) {
                    printed = attempt;
                    continue;
                }
                if (BuildText.isFinal(build)) {
                    err.println("fbs: the worker has no log for build " + id + " at " + logUrl + stagedLog(build));
                    printed = attempt;
                }
                // else: assigned, the worker has not opened the log yet
            }
            if (BuildText.isFinal(build)) {
                return build;
            }
            String note = build.getString("state").equals("QUEUED") && build.getString("reason") != null
                ? "fbs: build " + id + " waits: " + build.getString("reason") : null;
            if (note != null && !Objects.equals(note, said)) {
                err.println(note);
                err.flush();
            }
            said = note;
            pause();
        }
    }

    private enum Outcome { PRINTED, NOT_THERE, LOST }

    private Outcome stream(String logUrl) throws MasterClient.Refused {
        InputStream body;
        try {
            body = master.log(logUrl, true);
        } catch (MasterClient.Unreachable e) {
            err.println("fbs: cannot reach " + e.what + " (" + e.getMessage() + "); waiting for the build to end");
            err.flush();
            return Outcome.LOST;
        }
        if (body == null) {
            return Outcome.NOT_THERE;
        }
        try (Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
            return Outcome.PRINTED;
        } catch (IOException e) {
            out.flush();
            err.println("fbs: lost the log at " + logUrl + " (" + e.getMessage() + "); waiting for the build to end");
            err.flush();
            return Outcome.LOST;
        }
    }

    /** Where else the log is, when the build staged it: its artifact named like a log. */
    static String stagedLog(JsonObject build) {
        JsonArray artifacts = build.getJsonArray("artifacts", new JsonArray());
        for (Object o : artifacts) {
            JsonObject a = (JsonObject) o;
            if (a.getString("name", "").endsWith(".log")) {
                return "; it was staged as " + a.getString("location");
            }
        }
        return "";
    }

    private void pause() throws MasterClient.Unreachable {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MasterClient.Unreachable("the FBS master at " + master.url(), e);
        }
    }
}
