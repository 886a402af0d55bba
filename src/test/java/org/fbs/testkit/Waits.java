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
    /** How often a condition is polled. */
    private static final long POLL_MILLIS = 20;

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
     * {@code context} says then (a log, an outbox) to show why.
     */
    public static void until(String what, Duration limit, BooleanSupplier check, Callable<String> context)
        throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > end) {
                String why;
                try {
                    why = context.call();
                } catch (Exception e) {
                    why = "(cannot say more: " + e + ")";
                }
                throw new AssertionError("never happened within " + limit.toSeconds() + " s: " + what
                    + (why.isEmpty() ? "" : "; " + why));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Calls {@code probe} until what it returns passes {@code done} and returns that; a probe that throws counts as
     * not done yet (a server still starting). After {@code limit} fails naming {@code what} and the last answer or
     * error.
     */
    public static <T> T eventually(String what, Duration limit, Callable<T> probe, Predicate<? super T> done)
        throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
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
                throw new AssertionError("never happened within " + limit.toSeconds() + " s: " + what + "; last: "
                    + last);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** {@link #eventually(String, Duration, Callable, Predicate)} within {@link #PATIENCE}. */
    public static <T> T eventually(String what, Callable<T> probe, Predicate<? super T> done)
        throws InterruptedException {
        return eventually(what, PATIENCE, probe, done);
    }
}
