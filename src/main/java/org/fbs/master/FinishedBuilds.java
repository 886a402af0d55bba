package org.fbs.master;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The public JSON of recently read finished builds, encoded once. A build that has ended never changes again (the
 * dispatcher ignores every later event for it), so its answer can be kept without any invalidation; the store is
 * asked only for builds not here. Bounded, least recently used first out. Event-loop only: not thread-safe.
 */
final class FinishedBuilds {

    /** A kept answer and whose build it is, so that only its owner and admins are given it. */
    record Kept(String owner, String answer) {
    }

    private final Map<Long, Kept> answers;

    FinishedBuilds(int capacity) {
        this.answers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Kept> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The encoded public view of finished build {@code id} and its owner, or null when it is not kept. */
    Kept get(long id) {
        return answers.get(id);
    }

    void put(long id, String owner, String encoded) {
        answers.put(id, new Kept(owner, encoded));
    }
}
