package org.fbs.service;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.fbs.auth.Caller;
import org.fbs.build.Build;
import org.fbs.build.QueuePlace;
import org.fbs.spec.BuildSpec;

/**
 * What the master does for its users, whichever way they come (the REST API, the 2012 endpoint, the web pages, the
 * CLI through the API): the one door to the dispatcher's state. Every operation completes with a typed result or
 * fails with a {@link MasterException} whose reason says what went wrong; HTTP codes are the routes' business
 * ({@link ErrorStatus}). Any other failure is the master's own fault (an internal error).
 *
 * <p>Changes of builds are not here but in {@link BuildChanges}: they are a notification that every listener takes on
 * its own event loop, not a question with an answer.
 */
public interface MasterService {

    /**
     * Stores and queues a new build of {@code spec} for {@code caller}: its kickstart named by URL is fetched first
     * (so that the stored spec carries its text), and what the image tool would refuse is refused now. Fails
     * {@link MasterException.Reason#INVALID INVALID} (with the field errors), {@link MasterException.Reason#TOO_MANY
     * TOO_MANY} (the owner has too many builds queued), {@link MasterException.Reason#UNTRUSTED UNTRUSTED} (it runs
     * the owner's code as root and no online worker isolates it) or {@link MasterException.Reason#UNAVAILABLE
     * UNAVAILABLE} (nothing was stored).
     */
    Future<Build> submit(BuildSpec spec, Caller caller);

    /**
     * Cancels build {@code id}: a queued one ends at once, a running one is stopped by its worker (the answer is then
     * the build still running, with the reason saying so). Fails {@link MasterException.Reason#NOT_FOUND NOT_FOUND}
     * for an unknown build or one the caller may not see, {@link MasterException.Reason#CONFLICT CONFLICT} for one
     * that has ended already.
     */
    Future<Build> cancel(long id, Caller caller);

    /**
     * Where a queued build stands, with the typical times of builds like it; empty when it is not queued or the
     * dispatcher does not say in time (a page must not wait for it).
     */
    Future<Optional<QueuePlace>> placeInLine(Build build);

    /** Every worker the master has heard from lately. */
    Future<List<KnownWorker>> workers();

    /**
     * Drains ({@code drain}; with {@code exit} the worker also stops once its builds are done) or undrains a worker,
     * and answers with it as the worker now describes itself. Fails {@link MasterException.Reason#FORBIDDEN FORBIDDEN}
     * unless the caller is an admin, {@link MasterException.Reason#NOT_FOUND NOT_FOUND} when no such worker is
     * online, {@link MasterException.Reason#CONFLICT CONFLICT} when the worker refuses (it is exiting), {@link
     * MasterException.Reason#NO_ANSWER NO_ANSWER} or {@link MasterException.Reason#UNREACHABLE UNREACHABLE}.
     */
    Future<KnownWorker> drain(String worker, boolean drain, boolean exit, Caller caller);
}
