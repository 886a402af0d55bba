package org.fbs.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Follows a build to its end: prints its log as its worker writes it, streamed by the master
 * ({@code GET /api/v1/builds/{id}/log?follow=true}; the worker's {@code logUrl} is never read here), again from the
 * start when the build goes to another worker, and says on standard error why it waits. A worker the master cannot
 * reach is said once; the build is then watched through the master until it ends.
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
            // A log URL says a worker has the build; its log is read through the master.
            if (build.getString("logUrl") != null && attempt > printed) {
                if (printed > 0) {
                    err.println("fbs: build " + id + " went to worker " + build.getString("worker")
                        + " (attempt " + attempt + "); its log from the start:");
                    err.flush();
                }
                // The master streams the attempt that is current when it answers, which may be a later one.
                printed = Math.max(attempt, stream(id));
                continue;
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

    /**
     * Prints the log of the build's current attempt until it ends, or says why it could not; the attempt the master
     * said it streamed, or 0.
     */
    private int stream(long id) throws MasterClient.Refused {
        MasterClient.Log log;
        try {
            log = master.log(id, true);
        } catch (MasterClient.Unreachable e) {
            err.println("fbs: cannot reach " + e.what + " (" + e.getMessage() + "); waiting for the build to end");
            err.flush();
            return 0;
        } catch (MasterClient.Refused e) {
            if (e.status != 404) {
                throw e;
            }
            // The build ended with no log left anywhere: the master says where it went.
            err.println("fbs: " + e.getMessage());
            err.flush();
            return 0;
        }
        if (log.tail()) {
            sayTail(id, err);
        }
        try (Reader reader = new InputStreamReader(log.body(), StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            out.flush();
            err.println("fbs: the log of build " + id + " broke off (" + e.getMessage()
                + "); waiting for the build to end");
            err.flush();
        }
        return log.attempt();
    }

    /** Before a log that is only its last lines. */
    static void sayTail(long id, PrintWriter err) {
        err.println("fbs: the worker no longer has the log of build " + id + "; its last lines, as the master kept them:");
        err.flush();
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
