package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FinishedBuildsTest {

    @Test
    void keepsTheMostRecentlyUsedAnswersUpToItsCapacity() {
        FinishedBuilds kept = new FinishedBuilds(2);
        kept.put(1, "alice", "{\"id\":1}");
        kept.put(2, "bob", "{\"id\":2}");
        assertThat(kept.get(1)).isEqualTo(new FinishedBuilds.Kept("alice", "{\"id\":1}")); // now most recently used

        kept.put(3, "alice", "{\"id\":3}");

        assertThat(kept.get(2)).isNull();
        assertThat(kept.get(1).answer()).isEqualTo("{\"id\":1}");
        assertThat(kept.get(3).owner()).isEqualTo("alice");
    }
}
