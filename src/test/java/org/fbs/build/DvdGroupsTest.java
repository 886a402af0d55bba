package org.fbs.build;

import org.fbs.spec.KickstartException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fbs.spec.DvdOptions;
import org.fbs.spec.Kickstart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kickstart {@code @group} lines on a compose-route DVD: read from a real release repository (rpmbuild RPMs,
 * {@code createrepo_c -g comps.xml}) over file:// and http://, merged into the compose's comps, and seen by the
 * pungi-koji stand-in; a group no repository defines stops the build naming it; hostile repository metadata is refused.
 */
class DvdGroupsTest {

    static final RepoReader READER = new RepoReader(Duration.ofSeconds(10));

    @TempDir
    static Path dir;
    static String repo;

    @BeforeAll
    static void makeRepo() throws Exception {
        repo = ReleaseRepo.make(dir.resolve("release"));
    }

    static String kickstart(String repoUrl, String packagesHeader, String... lines) {
        return "url --url=" + repoUrl + "\n" + packagesHeader + "\n" + String.join("\n", lines) + "\n%end\n";
    }

    static PungiKojiCommand command(Path work, String kickstart) {
        return new PungiKojiCommand(PungiKojiComposeTest.STANDINS.resolve("pungi-koji").toString(),
            PungiKojiComposeTest.dvd("42", new DvdOptions("Fedora", null, "Server", null, false, false, false, "all",
                new Kickstart("dvd.ks", kickstart))), work, null, true, READER);
    }

    @Test
    void theReleaseCompsIsFoundThroughRepomdAndItsGroupsRead() throws Exception {
        Comps comps = READER.comps(repo);
        assertThat(comps.groups()).containsOnlyKeys("somegroup", "emptyish");
        Comps.Group group = comps.groups().get("somegroup");
        assertThat(group.name()).isEqualTo("Some Group"); // not the translation
        assertThat(group.packages()).containsExactly(new Comps.PackageReq("fbs-alpha", "mandatory", null),
            new Comps.PackageReq("fbs-beta", "default", null), new Comps.PackageReq("fbs-gamma", "optional", null));
        // a repository without a group entry has no groups
        Path plain = dir.resolve("plain");
        Files.createDirectories(plain.resolve("repodata"));
        Files.writeString(plain.resolve("repodata/repomd.xml"), "<repomd xmlns=\"http://linux.duke.edu/metadata/repo\">"
            + "<data type=\"primary\"><location href=\"repodata/primary.xml.gz\"/></data></repomd>");
        assertThat(READER.comps("file://" + plain).groups()).isEmpty();
    }

    @Test
    void aKickstartGroupReachesTheComposeAndTheStandInGathersIt(@TempDir Path work) throws Exception {
        String ks = kickstart(repo, "%packages", "@somegroup", "@emptyish", "kernel", "-fprintd");
        PungiKojiCommand command = command(work, ks);
        List<String> log = new ArrayList<>();
        Map<Path, String> files = command.supportFiles(ks, log::add);

        String comps = files.get(command.configDir().resolve("fbs-comps.xml"));
        assertThat(comps).contains("<id>somegroup</id>", "<name>Some Group</name>",
            "<packagereq type=\"mandatory\">fbs-alpha</packagereq>",
            "<packagereq type=\"default\">fbs-beta</packagereq>",
            "<packagereq type=\"mandatory\">kernel</packagereq>")
            .doesNotContain("fbs-gamma", "emptyish"); // optional: only with --optional
        assertThat(files.get(command.configDir().resolve("fbs-variants.xml"))).contains(
            "<group default=\"true\">fbs-dvd</group>", "<group default=\"true\">somegroup</group>")
            .doesNotContain("emptyish");
        assertThat(log).containsExactly("kickstart group @emptyish: none of its packages is taken (it has no"
            + " mandatory ones nor default ones); nothing of it on the DVD");
        // the comps FBS writes is one the comps reader (and so libcomps' format) takes back
        assertThat(Comps.parse(new ByteArrayInputStream(comps.getBytes(StandardCharsets.UTF_8)), "fbs-comps.xml")
            .groups()).containsOnlyKeys("fbs-dvd", "somegroup");

        write(files);
        String out = PungiKojiComposeTest.run(command.arguments(), 0);
        assertThat(out).contains("Compose finished").doesNotContain("does not match anything");
        assertThat(work.resolve("pungi-compose/compose/Server/x86_64/os/Packages/stand-in-package-list.txt"))
            .content().contains("fbs-alpha", "fbs-beta", "kernel");
    }

    @Test
    void optionsOfAGroupLineChooseItsPackagesAsTheLegacyPungiDoes(@TempDir Path work) throws Exception {
        String ks = kickstart(repo, "%packages", "@somegroup --optional", "@emptyish --nodefaults --optional");
        PungiKojiCommand command = command(work, ks);
        String comps = command.supportFiles(ks, line -> { }).get(command.configDir().resolve("fbs-comps.xml"));
        assertThat(comps).contains("fbs-alpha", "fbs-beta", "fbs-gamma", "<id>emptyish</id>")
            .doesNotContain("<id>fbs-dvd</id>"); // no packages of its own: no group of its own
        String nodefaults = kickstart(repo, "%packages", "@somegroup --nodefaults");
        assertThat(command(work, nodefaults).supportFiles(nodefaults, line -> { })
            .get(command.configDir().resolve("fbs-comps.xml"))).contains("fbs-alpha").doesNotContain("fbs-beta");
    }

    @Test
    void aGroupTheReleaseLacksStopsTheBuildNamingIt(@TempDir Path work) {
        String ks = kickstart(repo, "%packages", "@somegroup", "@no-such-group", "kernel");
        assertThatThrownBy(() -> command(work, ks).supportFiles(ks, line -> { }))
            .isInstanceOf(KickstartException.class)
            .hasMessage("kickstart group @no-such-group: no repository of the kickstart defines it in its comps ("
                + repo + "); the legacy pungi would log \"Group no-such-group not found in comps!\" and leave it off"
                + " the DVD, FBS stops instead: correct the group's id, or add --ignoremissing to %packages to build"
                + " without it");
    }

    /** The reason reaches the build page and mails: a repository's password never does. */
    @Test
    void theReasonMasksARepositoryPassword(@TempDir Path work) throws Exception {
        HttpServer server = serve(dir);
        try {
            String withPassword = "http://qa:s3cret-pw@127.0.0.1:" + server.getAddress().getPort() + "/release/";
            String ks = kickstart(withPassword, "%packages", "@no-such-group");
            // the comps is read (with the credentials as basic auth): the group is missing, not the repository
            assertThat(READER.comps(withPassword).groups()).containsKey("somegroup");
            assertThatThrownBy(() -> READER.comps(withPassword.replace("s3cret-pw", "wrong")))
                .hasMessageContaining("answered HTTP 401").hasMessageNotContaining("wrong");
            assertThatThrownBy(() -> command(work, ks).supportFiles(ks, line -> { }))
                .isInstanceOf(KickstartException.class).hasMessageStartingWith("kickstart group @no-such-group")
                .hasMessageContaining("http://qa:***@127.0.0.1:").hasMessageNotContaining("s3cret-pw");
            String gone = kickstart(withPassword.replace("/release/", "/gone/"), "%packages", "@somegroup");
            assertThatThrownBy(() -> command(work, gone).supportFiles(gone, line -> { }))
                .isInstanceOf(KickstartException.class).hasMessageNotContaining("s3cret-pw");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withIgnoreMissingTheGroupIsLeftOutAsTheLegacyPungiDoes(@TempDir Path work) throws Exception {
        String ks = kickstart(repo, "%packages --ignoremissing", "@somegroup", "@no-such-group", "@^some-environment");
        PungiKojiCommand command = command(work, ks);
        List<String> log = new ArrayList<>();
        Map<Path, String> files = command.supportFiles(ks, log::add);
        assertThat(log).containsExactly(
            "kickstart environment @^some-environment: not on the DVD; pungi takes no environment from a kickstart"
                + " (the legacy pungi's gather reads only its groups), so neither route gathers one: name its groups"
                + " with @group lines",
            "Group no-such-group not found in comps! (kickstart group @no-such-group is in no repository's comps;"
                + " left off the DVD, as %packages --ignoremissing asks)");
        assertThat(files.get(command.configDir().resolve("fbs-variants.xml"))).doesNotContain("no-such-group");
        write(files);
        PungiKojiComposeTest.run(command.arguments(), 0);
    }

    @Test
    void theStandInRefusesAVariantGroupTheCompsLacksAsPungiWarnsAboutIt(@TempDir Path work) throws Exception {
        String ks = kickstart(repo, "%packages", "@somegroup");
        PungiKojiCommand command = command(work, ks);
        Map<Path, String> files = command.supportFiles(ks, line -> { });
        Path variants = command.configDir().resolve("fbs-variants.xml");
        write(Map.of(command.configFile(), files.get(command.configFile()),
            command.configDir().resolve("fbs-comps.xml"), files.get(command.configDir().resolve("fbs-comps.xml")),
            variants, files.get(variants).replace(">somegroup<", ">othergroup<")));
        assertThat(PungiKojiComposeTest.run(command.arguments(), 1)).contains(
            "Variant Server.x86_64 requires comps group othergroup which does not match anything in input comps file",
            "the variants file names comps groups the comps file lacks: othergroup");
    }

    @Test
    void theCompsIsReadOverHttpAndFromItsGzipWhenThatIsAllTheRepositoryNames() throws Exception {
        Path release = dir.resolve("release");
        Path gzOnly = dir.resolve("gz-only");
        copyTree(release, gzOnly);
        Path repomd = gzOnly.resolve("repodata/repomd.xml");
        String text = Files.readString(repomd);
        // drop the plain <data type="group"> entry
        Files.writeString(repomd, text.replaceAll("(?s)<data type=\"group\">.*?</data>", ""));
        assertThat(Files.readString(repomd)).contains("type=\"group_gz\"").doesNotContain("type=\"group\"");
        HttpServer server = serve(dir);
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(READER.comps(base + "/release/").groups()).containsOnlyKeys("somegroup", "emptyish");
            assertThat(READER.comps(base + "/gz-only").groups()).containsOnlyKeys("somegroup", "emptyish");
            assertThatThrownBy(() -> READER.comps(base + "/nothing-here/")).isInstanceOf(IOException.class)
                .hasMessageContaining("answered HTTP 404");
            String ks = kickstart(base + "/nothing-here/", "%packages", "@somegroup");
            assertThatThrownBy(() -> DvdGroups.of(DvdKickstart.read(ks), READER))
                .isInstanceOf(KickstartException.class).hasMessageStartingWith("kickstart repository " + base
                    + "/nothing-here/: its groups (the comps its repodata/repomd.xml names) could not be read, and the"
                    + " kickstart asks for @somegroup: ");
        } finally {
            server.stop(0);
        }
    }

    /** Attack: a repository's repomd.xml points its group file outside the repository (at the worker's files). */
    @Test
    void aGroupLocationOutsideTheRepositoryIsRefused() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.xml"), "<comps><group><id>stolen</id></group></comps>");
        for (String href : List.of("../secret.xml", "repodata/../../secret.xml", "/" + secret, "file://" + secret,
            "http://evil.example/comps.xml")) {
            Path evil = Files.createDirectories(dir.resolve("evil-" + Math.abs(href.hashCode())).resolve("repodata"));
            Files.writeString(evil.resolve("repomd.xml"), "<repomd><data type=\"group\"><location href=\"" + href
                + "\"/></data></repomd>");
            assertThatThrownBy(() -> READER.comps("file://" + evil.getParent())).as(href)
                .isInstanceOf(IOException.class).hasMessageContaining("outside the repository");
        }
    }

    /** Attack: a comps file with an external entity (XXE) naming a worker file, and an entity expansion bomb. */
    @Test
    void aHostileCompsFileNeitherReadsTheWorkersFilesNorBlowsUp() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "root-password-hash");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE comps [<!ENTITY x SYSTEM \"file://" + secret + "\">]>\n"
            + "<comps><group><id>g</id><packagelist><packagereq type=\"mandatory\">&x;</packagereq></packagelist>"
            + "</group></comps>";
        try {
            Comps comps = Comps.parse(new ByteArrayInputStream(xxe.getBytes(StandardCharsets.UTF_8)), "xxe.xml");
            assertThat(comps.groups().get("g").packages().toString()).doesNotContain("root-password-hash");
        } catch (IOException refused) {
            assertThat(refused.getMessage()).doesNotContain("root-password-hash");
        }
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE comps [<!ENTITY a \"aaaaaaaaaa\">");
        for (char c = 'b'; c <= 'k'; c++) {
            bomb.append("<!ENTITY ").append(c).append(" \"").append(String.valueOf("&" + (char) (c - 1) + ";")
                .repeat(10)).append("\">");
        }
        bomb.append("]>\n<comps><group><id>g</id><packagelist><packagereq>&k;</packagereq></packagelist></group>"
            + "</comps>");
        assertThatThrownBy(() -> Comps.parse(new ByteArrayInputStream(bomb.toString().getBytes(StandardCharsets.UTF_8)),
            "bomb.xml")).isInstanceOf(IOException.class).hasMessageContaining("bomb.xml");
    }

    private static void write(Map<Path, String> files) throws IOException {
        for (Map.Entry<Path, String> file : files.entrySet()) {
            Files.createDirectories(file.getKey().getParent());
            Files.writeString(file.getKey(), file.getValue());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /**
     * A plain HTTP server for the files under {@code root} (404 for anything else); a request with credentials must
     * bring qa:s3cret-pw (401 otherwise).
     */
    private static HttpServer serve(Path root) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null && !auth.equals("Basic " + java.util.Base64.getEncoder().encodeToString(
                "qa:s3cret-pw".getBytes(StandardCharsets.UTF_8)))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        return server;
    }
}
