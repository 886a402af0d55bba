package org.fbs.standins;

/**
 * Image-tool inputs that the REAL tools accept, for every test that hands one to a stand-in (unit, worker and
 * end-to-end tests alike). The stand-ins refuse what the real tools refuse, so a fixture that only satisfied an
 * old, lenient stand-in would now fail; keeping them here keeps them right in one place.
 * {@link KiwiDescriptionsValidTest} runs {@link #KIWI_DESCRIPTION} through the real kiwi's own validation.
 */
public final class ToolFixtures {

    public static final String FEDORA_41 =
        "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/";

    /**
     * A live kickstart livemedia-creator (lorax 46) builds an ISO from, with or without --no-virt: creator.py
     * run_creator() wants dracut-live in %packages for --make-iso; check_kickstart() wants a url (or nfs) install
     * method with --no-virt, a network line with url, no display mode, and shutdown in virt mode; the image is
     * sized from the "/" partition (calculate_disk_size()).
     */
    public static String liveKickstart(String installUrl) {
        return "network --bootproto=dhcp --device=link --activate\n"
            + "part / --size=8192 --fstype=ext4\n"
            + "shutdown\n"
            + "url --url=" + installUrl + "\n"
            + "%packages\n@workstation-product-environment\ndracut-live\n%end\n";
    }

    /** {@link #liveKickstart(String)} of the Fedora 41 release. */
    public static String liveKickstart() {
        return liveKickstart(FEDORA_41);
    }

    public static final String KIWI_IMAGE = "Fedora-Live";
    public static final String KIWI_PROFILE = "Workstation-Live";
    /** kiwi names the ISO IMAGE.ARCH-VERSION.iso. */
    public static final String KIWI_VERSION = "41.0.0";

    /**
     * A kiwi description that kiwi 9.24's schema (kiwi/schema/kiwi.rnc) and schematron rules accept: an image needs
     * a description (author, contact, specification) and preferences; packagemanager "dnf" is in 9.24's list.
     */
    public static final String KIWI_DESCRIPTION = """
        <?xml version="1.0" encoding="utf-8"?>
        <image schemaversion="7.4" name="Fedora-Live">
          <description type="system">
            <author>FBS tests</author>
            <contact>fbs-tests@example.org</contact>
            <specification>Fedora Workstation live image (FBS test fixture)</specification>
          </description>
          <profiles>
            <profile name="Workstation-Live" description="Fedora Workstation Live"/>
          </profiles>
          <preferences>
            <version>41.0.0</version>
            <packagemanager>dnf</packagemanager>
            <rpm-check-signatures>false</rpm-check-signatures>
            <locale>en_US</locale>
            <keytable>us</keytable>
            <timezone>UTC</timezone>
          </preferences>
          <preferences profiles="Workstation-Live">
            <type image="iso" primary="true" volid="Fedora-WS-Live-41" flags="dmsquash" firmware="uefi"/>
          </preferences>
          <repository type="rpm-md" alias="fedora">
            <source path="https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/"/>
          </repository>
          <packages type="image">
            <package name="kernel"/>
            <package name="dracut-live"/>
          </packages>
          <packages type="bootstrap">
            <package name="filesystem"/>
            <package name="basesystem"/>
          </packages>
        </image>
        """;

    private ToolFixtures() {
    }
}
