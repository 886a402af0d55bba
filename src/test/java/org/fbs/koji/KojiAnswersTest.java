package org.fbs.koji;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading getBuild and listRPMs answers: Koji's field names, the download path, and answers not to trust. */
class KojiAnswersTest {

    private static Map<String, Object> build(String volume) {
        Map<String, Object> info = new HashMap<>();
        info.put("id", 2593111L);
        info.put("nvr", "anaconda-41.35-1.fc41");
        info.put("package_name", "anaconda");
        info.put("version", "41.35");
        info.put("release", "1.fc41");
        info.put("state", 1L);
        info.put("volume_name", volume);
        return info;
    }

    @Test
    void theDownloadFolderIsOnTheBuildsVolumeUnlessThatIsDefault() throws Exception {
        assertThat(KojiBuild.from(build("DEFAULT")).packagesPath()).isEqualTo("packages/anaconda/41.35/1.fc41/");
        assertThat(KojiBuild.from(build("fedora_koji_archive02")).packagesPath())
            .isEqualTo("vol/fedora_koji_archive02/packages/anaconda/41.35/1.fc41/");
    }

    @Test
    void namesThatWouldWalkOutOfTheirFolderAreRefused() {
        Map<String, Object> bad = build("DEFAULT");
        bad.put("package_name", "../../etc");
        assertThatThrownBy(() -> KojiBuild.from(bad)).isInstanceOf(KojiException.class)
            .hasMessage("Koji's answer has an unusable package_name: ../../etc");

        Map<String, Object> rpm = new HashMap<>(Map.of("name", "anaconda", "version", "41.35", "release", "1.fc41",
            "arch", "x86_64/../../x", "size", 10L));
        assertThatThrownBy(() -> KojiRpm.from(rpm)).isInstanceOf(KojiException.class)
            .hasMessage("Koji's answer has an unusable arch: x86_64/../../x");
    }

    @Test
    void anAnswerWithoutAFieldFbsNeedsIsAnErrorNotACrash() {
        Map<String, Object> info = build("DEFAULT");
        info.remove("state");
        assertThatThrownBy(() -> KojiBuild.from(info)).isInstanceOf(KojiException.class)
            .hasMessageStartingWith("Koji's getBuild answer lacks a field FBS needs");
    }

    @Test
    void debugPackagesAreKnownByName() throws Exception {
        assertThat(rpm("anaconda-debuginfo").isDebug()).isTrue();
        assertThat(rpm("anaconda-debugsource").isDebug()).isTrue();
        assertThat(rpm("anaconda-core-debuginfo").isDebug()).isTrue();
        assertThat(rpm("anaconda-core").isDebug()).isFalse();
        assertThat(rpm("anaconda-core").nvra()).isEqualTo("anaconda-core-41.35-1.fc41.x86_64");
    }

    @Test
    void armhfpImagesTakeKojisArmv7hlPackages() {
        assertThat(KojiResolver.kojiArch("armhfp")).isEqualTo("armv7hl");
        assertThat(KojiResolver.kojiArch("aarch64")).isEqualTo("aarch64");
    }

    private static KojiRpm rpm(String name) throws KojiException {
        return KojiRpm.from(Map.of("name", name, "version", "41.35", "release", "1.fc41", "arch", "x86_64",
            "size", 1L));
    }
}
