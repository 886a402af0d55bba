package org.fbs.master;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FinishedBuildsTest {

    @Test
    void keepsTheMostRecentlyUsedAnswersUpToItsCapacity() {
        FinishedBuilds kept = new FinishedBuilds(2);
        kept.put(1, "{\"id\":1}");
        kept.put(2, "{\"id\":2}");
        assertThat(kept.get(1)).isEqualTo("{\"id\":1}"); // 1 is now the most recently used

        kept.put(3, "{\"id\":3}");

        assertThat(kept.get(2)).isNull();
        assertThat(kept.get(1)).isEqualTo("{\"id\":1}");
        assertThat(kept.get(3)).isEqualTo("{\"id\":3}");
    }
}
