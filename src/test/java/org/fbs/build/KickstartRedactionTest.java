package org.fbs.build;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The staged copy of a kickstart keeps everything but its passwords. */
class KickstartRedactionTest {

    @Test
    void passwordsAreHiddenAndEverythingElseStays() {
        String kickstart = """
            # rootpw in a comment stays: hunter0
            rootpw --plaintext hunter1
            rootpw --iscrypted $6$salt$hunter2hash
              rootpw	hunter3
            sshpw --username=anaconda hunter4 --plaintext
            sshpw --username anaconda --iscrypted hunter5
            user --name=alice --password=hunter6 --groups=wheel
            user --name bob --password hunter7 --iscrypted
            bootloader --location=mbr --password=hunter8
            network --bootproto=dhcp --essid=lab --wpakey=hunter9 --activate
            url --url=https://mirror:hunter10@example.org/fedora/
            part / --size=4096
            <user password="hunter11" home="/root" name="root"/>
            """;

        String staged = KickstartRedaction.redact(kickstart);

        for (int n = 1; n <= 11; n++) {
            assertThat(staged).as("hunter" + n).doesNotContain("hunter" + n + "\n").doesNotContain("hunter" + n + " ")
                .doesNotContain("hunter" + n + "hash").doesNotContain("hunter" + n + "@").doesNotContain("hunter" + n
                    + "\"");
        }
        assertThat(staged).contains(
            "# rootpw in a comment stays: hunter0\n",
            "rootpw --plaintext ***\n",
            "rootpw --iscrypted ***\n",
            "  rootpw ***\n",
            "sshpw --username=anaconda *** --plaintext\n",
            "sshpw --username anaconda --iscrypted ***\n",
            "user --name=alice --password=*** --groups=wheel\n",
            "user --name bob --password *** --iscrypted\n",
            "bootloader --location=mbr --password=***\n",
            "network --bootproto=dhcp --essid=lab --wpakey=*** --activate\n",
            "url --url=https://mirror:***@example.org/fedora/\n",
            "part / --size=4096\n",
            "<user password=\"***\" home=\"/root\" name=\"root\"/>\n");
        assertThat(KickstartRedaction.redact("lang en_US.UTF-8\n%packages\n@core\n%end\n"))
            .isEqualTo("lang en_US.UTF-8\n%packages\n@core\n%end\n");
    }
}
