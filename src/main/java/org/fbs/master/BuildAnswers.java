package org.fbs.master;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fbs.build.Build;
import org.fbs.build.BuildTimes;
import org.fbs.build.BuildView;

/**
 * The public view of recently read builds, so that a client polling its build is answered without the store, the
 * JSON parse and the password masking each time. A build's view is dropped whenever the build changes (the API
 * listens to every stored change), so nothing older than the store is answered once the change is heard; until it
 * is heard, the API does not answer from here ({@link org.fbs.service.BuildChanges.Listening#behind}). A view
 * read from the store is kept only if no change at all was heard while it was read: a change heard in between may
 * be the one that made it stale. A finished build never changes again; an active build's durations count up to
 * each answer, so they are worked out per answer from its kept history. Bounded in count and in memory, least
 * recently read first out.
 * Event-loop only: not thread-safe.
 */
final class BuildAnswers {

    /**
     * A build as stored, its public view without the durations, and about how much memory the two take (the view's
     * JSON twice: both hold the spec, whose kickstart may be a MiB).
     */
    record Kept(Build build, JsonObject view, long bytes) {

        static Kept of(Build build) {
            JsonObject view = BuildView.of(build.toJson());
            view.remove("durations");
            return new Kept(build, view, 2L * view.encode().length());
        }

        /**
         * Puts the build's durations (an active build's up to {@code now}) into {@code answer}, a copy of the view
         * (the signed one), and returns it.
         */
        JsonObject withDurations(JsonObject answer, Instant now) {
            if (!build.history().isEmpty()) {
                answer.put("durations", BuildTimes.of(build.history(), now).toJson());
            }
            return answer;
        }
    }

    private final Map<Long, Kept> answers = new LinkedHashMap<>(16, 0.75f, true);
    private final int capacity;
    private final long maxBytes;
    /** What the kept views take, by {@link Kept#bytes}. */
    private long bytes;
    /** How many changes were heard: a read that saw this number change keeps nothing. */
    private long heard;
    /** Nothing is kept before changes are heard. */
    private boolean listening;

    /**
     * @param capacity how many views are kept at most
     * @param maxBytes how much memory they may take at most: a count alone would let large kickstarts fill the heap
     */
    BuildAnswers(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** The kept view of build {@code id}, or null. */
    Kept get(long id) {
        return answers.get(id);
    }

    /** Taken before a read of the store, handed to {@link #keep}. */
    long mark() {
        return heard;
    }

    /**
     * The view of {@code build}, read from the store after {@link #mark} gave {@code mark}; kept when no change was
     * heard since.
     */
    Kept keep(Build build, long mark) {
        Kept kept = Kept.of(build);
        if (listening && mark == heard && kept.bytes() <= maxBytes) {
            forget(answers.put(build.id(), kept));
            bytes += kept.bytes();
            // The least recently read go first.
            Iterator<Kept> eldest = answers.values().iterator();
            while (answers.size() > capacity || bytes > maxBytes) {
                forget(eldest.next());
                eldest.remove();
            }
        }
        return kept;
    }

    private void forget(Kept gone) {
        if (gone != null) {
            bytes -= gone.bytes();
        }
    }

    /** Changes are heard from now on: views may be kept. */
    void listening() {
        listening = true;
    }

    /** Build {@code id} changed: its kept view, and any read under way, are out of date. */
    void changed(long id) {
        heard++;
        forget(answers.remove(id));
    }

    int size() {
        return answers.size();
    }

    /** What the kept views take, by {@link Kept#bytes}. */
    long bytes() {
        return bytes;
    }
}
