package org.fbs.testkit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waiting in tests: for a Vert.x future, or for a condition polled until it holds. Every wait has a limit, so a test
 * that breaks fails with what it waited for instead of hanging; the limits are generous because a loaded CI machine
 * is slow, and a passing test never waits for them.
 */
public final class Waits {

    /** How long a wait lasts unless a test says otherwise. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The first pause between two polls; it doubles up to {@link #MAX_POLL_MILLIS}. */
    private static final long FIRST_POLL_MILLIS = 20;
    /** Polls of a slow thing (a cluster, a process) need not come more often than this. */
    private static final long MAX_POLL_MILLIS = 200;

    private Waits() {
    }

    /** The result of {@code future}, waiting at most {@link #PATIENCE}. */
    public static <T> T await(Future<T> future) throws Exception {
        return await(future, PATIENCE);
    }

    /** The result of {@code future}, waiting at most {@code limit}. */
    public static <T> T await(Future<T> future, Duration limit) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Polls {@code check} until it holds; after {@link #PATIENCE} fails naming {@code what}. */
    public static void until(String what, BooleanSupplier check) throws InterruptedException {
        until(what, PATIENCE, check, () -> "");
    }

    /** Polls {@code check} until it holds; after {@code limit} fails naming {@code what}. */
    public static void until(String what, Duration limit, BooleanSupplier check) throws InterruptedException {
        until(what, limit, check, () -> "");
    }

    /**
     * Polls {@code check} until it holds; after {@code limit} fails naming {@code what}, followed by what
     * {@code context} says then (a log, an outbox) to show why. A check that throws has not held yet.
     */
    public static void until(String what, Duration limit, BooleanSupplier check, Callable<String> context)
        throws InterruptedException {
        eventually(what, limit, check::getAsBoolean, held -> held, context);
    }

    /**
     * Calls {@code probe} until what it returns passes {@code done} and returns that; a probe that throws counts as
     * not done yet (a server still starting). After {@code limit} fails naming {@code what} and the last answer or
     * error.
     */
    public static <T> T eventually(String what, Duration limit, Callable<T> probe, Predicate<? super T> done)
        throws InterruptedException {
        return eventually(what, limit, probe, done, () -> "");
    }

    /**
     * {@link #eventually(String, Duration, Callable, Predicate)}, whose failure also shows what {@code context} says
     * then (the nodes' output, say).
     */
    public static <T> T eventually(String what, Duration limit, Callable<T> probe, Predicate<? super T> done,
                                   Callable<String> context) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        long pause = FIRST_POLL_MILLIS;
        Object last = "nothing yet";
        while (true) {
            try {
                T answer = probe.call();
                if (done.test(answer)) {
                    return answer;
                }
                last = answer;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > end) {
                String why = said(context);
                throw new AssertionError("never happened within " + limit.toSeconds() + " s: " + what + "; last: "
                    + last + (why.isEmpty() ? "" : "; " + why));
            }
            Thread.sleep(pause);
            pause = Math.min(MAX_POLL_MILLIS, pause * 2);
        }
    }

    /** {@link #eventually(String, Duration, Callable, Predicate)} within {@link #PATIENCE}. */
    public static <T> T eventually(String what, Callable<T> probe, Predicate<? super T> done)
        throws InterruptedException {
        return eventually(what, PATIENCE, probe, done);
    }

    private static String said(Callable<String> context) {
        try {
            return context.call();
        } catch (Exception e) {
            return "(cannot say more: " + e + ")";
        }
    }
}
