package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our own %include resolver: it expands over the files that came with a build and refuses everything else. */
class KickstartIncludesTest {

    @Test
    void includesAreExpandedInPlaceRecursivelyAndRelativeToTheIncludingFile() throws Exception {
        Map<String, String> files = Map.of(
            "main.ks", "url --url=https://example.org/os/\n%include base/base.ks\nrootpw --lock\n",
            "base/base.ks", "lang en_US.UTF-8\n  %include   packages.ks  \n",
            "base/packages.ks", "%packages\nbash\n%end\n");

        assertThat(KickstartIncludes.flatten("main.ks", files)).isEqualTo(
            "url --url=https://example.org/os/\nlang en_US.UTF-8\n%packages\nbash\n%end\nrootpw --lock\n");
    }

    @Test
    void aKickstartWithoutIncludesIsUnchanged() throws Exception {
        assertThat(KickstartIncludes.flatten("a.ks", Map.of("a.ks", "rootpw --lock\n%post\necho %include\n%end\n")))
            .isEqualTo("rootpw --lock\n%post\necho %include\n%end\n");
    }

    @Test
    void anIncludeThatLeavesTheFilesOfTheBuildIsRefusedWithTheLineAndTheReason() {
        for (String target : new String[] {"/etc/shadow", "../secrets.ks", "https://example.org/x.ks", "other.ks",
            "base/../../etc/passwd"}) {
            Map<String, String> files = Map.of("main.ks", "rootpw --lock\n%include " + target + "\n");
            assertThatThrownBy(() -> KickstartIncludes.flatten("main.ks", files)).as(target)
                .isInstanceOf(KickstartException.class)
                .hasMessage("main.ks line 2: %include " + target
                    + " names a file that did not come with the build (main.ks); only those can be included");
        }
    }

    @Test
    void ksappendIsTreatedAsAnInclude() {
        assertThatThrownBy(() -> KickstartIncludes.flatten("main.ks", Map.of("main.ks", "%ksappend /tmp/x\n")))
            .hasMessageContaining("%ksappend /tmp/x names a file that did not come with the build");
    }

    @Test
    void aLoopIsRefusedNamingTheChain() {
        Map<String, String> files = Map.of("a.ks", "%include b.ks\n", "b.ks", "%include a.ks\n");

        assertThatThrownBy(() -> KickstartIncludes.flatten("a.ks", files))
            .hasMessage("b.ks: %include a.ks includes itself (a.ks -> b.ks -> a.ks)");
    }

    @Test
    void theSameFileMayBeIncludedTwiceWhenItIsNotALoop() throws Exception {
        Map<String, String> files = Map.of("a.ks", "%include c.ks\n%include c.ks\n", "c.ks", "x\n");

        assertThat(KickstartIncludes.flatten("a.ks", files)).isEqualTo("x\nx\n");
    }
}
