package org.fbs.build;

import org.fbs.spec.KickstartException;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fbs.spec.BuildSpec;
import org.fbs.spec.DvdOptions;
import org.fbs.spec.ImageType;
import org.fbs.spec.Kickstart;
import org.fbs.spec.KojiPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose route of dvd builds: the pungi-koji configuration FBS writes, judged by pungi's own schema rules
 * ({@link PungiSchema}), the variants and comps files, the command line, and the pungi-koji stand-in running it.
 */
class PungiKojiComposeTest {

    static final Path WORK = Path.of("/var/lib/fbs/work/builds/9");
    static final Path SIDE = Path.of("/var/lib/fbs/work/builds/9/side-repo");
    static final Path STANDINS = Path.of("src/test/standins").toAbsolutePath();
    static final String FEDORA = "https://dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os/";
    static final String KICKSTART = """
        # a dvd kickstart
        url --url=%s
        repo --name=updates --baseurl="https://dl.fedoraproject.org/pub/fedora/linux/updates/41/Everything/x86_64/"
        repo --name=mirror --mirrorlist=https://mirrors.fedoraproject.org/metalink?repo=fedora-41
        %%pre
        repo --baseurl=http://not-a-command.example/
        %%end
        %%packages --nocore
        @core
        @^server-product-environment
        -@dial-up
        kernel
        anaconda   # the installer
        -fprintd
        %%end
        """.formatted(FEDORA);

    /**
     * What the kickstart's Fedora repositories hold, as far as these tests need: the group core, and a metalink whose
     * first mirror is the release's own repository (no network in tests).
     */
    static final Repositories FEDORA_COMPS = new Repositories() {
        @Override
        public Comps comps(String url) throws java.io.IOException {
            return Comps.parse(new java.io.ByteArrayInputStream("""
                <comps><group><id>core</id><name>Core</name><packagelist>
                <packagereq type="mandatory">dnf</packagereq><packagereq type="default">vim-minimal</packagereq>
                </packagelist></group></comps>""".getBytes(StandardCharsets.UTF_8)), url);
        }

        @Override
        public String mirror(String mirrorlistUrl) {
            return FEDORA;
        }
    };

    static PungiKojiCommand command(String program, BuildSpec spec, Path work, Path side, boolean nomacboot) {
        return new PungiKojiCommand(program, spec, work, side, nomacboot, FEDORA_COMPS);
    }

    static BuildSpec dvd(String release, DvdOptions options) {
        return new BuildSpec(ImageType.DVD, "x86_64", release, BuildSpec.WORKER_STAGING, List.of(), KojiPackages.NONE,
            null, options, null);
    }

    static DvdOptions options(String flavor, String bugurl, boolean nosource, boolean sourceisos, String stage,
                              String kickstart) {
        return new DvdOptions("Fedora", null, flavor, bugurl, nosource, sourceisos, false, stage,
            new Kickstart("dvd.ks", kickstart));
    }

    /** Every combination of the [dvd] keys that change the config, for three releases and with or without extras. */
    static List<PungiKojiCommand> everyShape(Path work) {
        List<PungiKojiCommand> out = new ArrayList<>();
        for (String release : List.of("40", "41", "42", "rawhide")) {
            for (String flavor : new String[] {null, "Server"}) {
                for (String bugurl : new String[] {null, "https://bugzilla.redhat.com/"}) {
                    for (int flags = 0; flags < 4; flags++) {
                        for (Path side : new Path[] {null, work.resolve("side-repo")}) {
                            for (boolean nomacboot : new boolean[] {false, true}) {
                                out.add(command("/usr/bin/pungi-koji", dvd(release, options(flavor,
                                    bugurl, (flags & 1) != 0, (flags & 2) != 0, "all", KICKSTART)), work, side,
                                    nomacboot));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyConfigFbsWritesFollowsPungisSchema() throws Exception {
        List<PungiKojiCommand> shapes = everyShape(WORK);
        assertThat(shapes).hasSize(256);
        for (PungiKojiCommand command : shapes) {
            String text = command.supportFiles(KICKSTART, line -> { }).get(command.configFile());
            Map<String, Object> config = PythonLiterals.config(text);
            assertThat(PungiSchema.violations(config)).as(text).isEmpty();
            assertThat(config.keySet()).as(text).doesNotContain("release_is_layered", "gather_source", "runroot");
        }
    }

    @Test
    void theSchemaRulesCatchWhatPungiRefuses() throws Exception {
        Map<String, Object> good = PythonLiterals.config(everyShape(WORK).get(0).supportFiles(KICKSTART, line -> { })
            .get(WORK.resolve("pungi-config/fbs-dvd.conf")));
        assertThat(PungiSchema.violations(good)).isEmpty();

        assertThat(PungiSchema.violations(without(good, "release_short"))).containsExactly(
            "'release_short' is a required property");
        assertThat(PungiSchema.violations(with(good, "gather_method", "greedy"))).containsExactly(
            "gather_method: greedy is not one of [deps, nodeps, hybrid]");
        assertThat(PungiSchema.violations(with(good, "release_is_layered", false))).containsExactly(
            "Config option release_is_layered was removed");
        assertThat(PungiSchema.violations(with(good, "gather_source", "comps"))).containsExactly(
            "Config option gather_source was removed");
        assertThat(PungiSchema.violations(with(good, "pkgset_koji_tag", "f41"))).contains(
            "unknown config option pkgset_koji_tag", "pkgset_source=repos conflicts with pkgset_koji_tag");
        assertThat(PungiSchema.violations(without(good, "pkgset_repos"))).containsExactly(
            "pkgset_source=repos requires pkgset_repos");
        assertThat(PungiSchema.violations(with(good, "sigkeys", List.of()))).containsExactly(
            "sigkeys: not a non-empty list of strings or None");
        assertThat(PungiSchema.violations(with(good, "lorax_options",
            List.of(List.of("^(.*$", Map.of("*", Map.of("bug_url", "x", "nomacboot", "yes"))))))).containsExactlyInAnyOrder(
            "lorax_options: incorrect regular expression: ^(.*$",
            "lorax_options.^(.*$.*: additional property bug_url is not allowed",
            "lorax_options.^(.*$.*.nomacboot: not of type boolean");
        assertThat(PungiSchema.violations(with(good, "release_version", 41L))).containsExactly(
            "release_version: 41 is not of type 'string'");
        // every other key FBS writes, held to its type
        assertThat(PungiSchema.violations(with(good, "variants_file", List.of("a")))).containsExactly(
            "variants_file: [a] is not of type 'string'");
        assertThat(PungiSchema.violations(with(good, "pkgset_source", "koji"))).contains(
            "pkgset_source=koji conflicts with pkgset_repos");
        assertThat(PungiSchema.violations(with(good, "pkgset_source", "local"))).contains(
            "pkgset_source: local is not one of [koji, repos]");
        assertThat(PungiSchema.violations(with(good, "pkgset_repos", Map.of("x86_64", 5L)))).containsExactly(
            "pkgset_repos.x86_64: not a string or a list of strings");
        assertThat(PungiSchema.violations(with(good, "buildinstall_method", "buildinstall"))).containsExactly(
            "buildinstall_method: buildinstall is not one of [lorax]");
        assertThat(PungiSchema.violations(without(with(good, "lorax_options", List.of(List.of("^.*$",
            Map.of("*", Map.of("nomacboot", true))))), "buildinstall_method"))).containsExactly(
            "buildinstall_method=null conflicts with lorax_options");
        assertThat(PungiSchema.violations(with(good, "createiso_use_xorrisofs", "yes"))).containsExactly(
            "createiso_use_xorrisofs: yes is not of type 'boolean'");
        assertThat(PungiSchema.violations(with(good, "createiso_skip", List.of(List.of("^.*$"),
            List.of("^.*$", Map.of("src", "yes")))))).containsExactly(
            "createiso_skip: [^.*$] is not a [variant regex, {arch: value}] pair",
            "createiso_skip.^.*$.src: not a boolean");
        assertThat(PungiSchema.violations(with(good, "filter_packages", List.of(List.of("^.*$",
            Map.of("*", "fprintd")))))).containsExactly("filter_packages.^.*$.*: not a list of strings");
        assertThat(PungiSchema.violations(with(good, "image_name_format", "%(name)s-{x}.iso"))).containsExactly(
            "image_name_format: unknown format element name",
            "image_name_format: a % or brace outside a %(element)s");
        assertThat(PungiSchema.violations(with(good, "image_volid_formats", List.of("{name}-{arch}", 5L))))
            .containsExactly("image_volid_formats: [{name}-{arch}, 5] is not a list of strings");
        assertThat(PungiSchema.violations(with(good, "image_volid_formats", List.of("{name}-%s")))).containsExactly(
            "image_volid_formats: unknown format element name", "image_volid_formats: a % (the format goes through %"
                + " first)");
        assertThat(PungiSchema.violations(with(good, "volume_id_substitutions", Map.of("Server", 1L))))
            .containsExactly("volume_id_substitutions: a replacement is not a string");
        assertThat(PungiSchema.violations(with(good, "disc_types", List.of("DVD")))).containsExactly(
            "disc_types: [DVD] is not of type 'object'");
        assertThat(PungiSchema.violations(with(good, "iso_size", true))).containsExactly(
            "iso_size: true is not valid under any of the given schemas");
        // a conflict counts only away from the option's default (checks.py _validate_requires)
        assertThat(PungiSchema.violations(with(good, "pkgset_koji_inherit", true))).containsExactly(
            "unknown config option pkgset_koji_inherit");
        assertThat(PungiSchema.violations(with(good, "pkgset_koji_inherit", false))).containsExactly(
            "unknown config option pkgset_koji_inherit", "pkgset_source=repos conflicts with pkgset_koji_inherit");
    }

    @Test
    void theConfigCarriesTheSpecTheKickstartAndTheSideRepository() throws Exception {
        PungiKojiCommand command = command("/usr/bin/pungi-koji", dvd("rawhide",
            options("Server", "https://bugzilla.redhat.com/", false, true, "all", KICKSTART)), WORK, SIDE, true);
        Map<Path, String> files = command.supportFiles(KICKSTART, line -> { });
        Map<String, Object> config = PythonLiterals.config(files.get(command.configFile()));

        assertThat(config).containsEntry("release_name", "Fedora").containsEntry("release_short", "Fedora")
            .containsEntry("release_version", "rawhide").containsEntry("pkgset_source", "repos")
            .containsEntry("gather_method", "deps").containsEntry("buildinstall_method", "lorax")
            .containsEntry("variants_file", WORK.resolve("pungi-config/fbs-variants.xml").toString())
            .containsEntry("comps_file", WORK.resolve("pungi-config/fbs-comps.xml").toString())
            .containsEntry("pkgset_repos", Map.of("x86_64", List.of(FEDORA,
                "https://dl.fedoraproject.org/pub/fedora/linux/updates/41/Everything/x86_64/", "file://" + SIDE)))
            .containsEntry("lorax_options", List.of(List.of("^.*$",
                Map.of("*", Map.of("bugurl", "https://bugzilla.redhat.com/", "nomacboot", true)))))
            .containsEntry("filter_packages", List.of(List.of("^.*$", Map.of("*", List.of("fprintd")))))
            .doesNotContainKey("createiso_skip");
        assertThat(config.get("sigkeys")).isEqualTo(java.util.Collections.singletonList(null));

        String variants = files.get(WORK.resolve("pungi-config/fbs-variants.xml"));
        assertThat(variants).contains("<variant id=\"Server\" name=\"Server\" type=\"variant\">",
            "<arch>x86_64</arch>", "<group default=\"true\">fbs-dvd</group>", "<group default=\"true\">core</group>");
        String comps = files.get(WORK.resolve("pungi-config/fbs-comps.xml"));
        assertThat(comps).contains("<id>fbs-dvd</id>", "<packagereq type=\"mandatory\">kernel</packagereq>",
            "<packagereq type=\"mandatory\">anaconda</packagereq>", "<id>core</id>",
            "<packagereq type=\"mandatory\">dnf</packagereq>", "<packagereq type=\"default\">vim-minimal</packagereq>")
            .doesNotContain("fprintd", "dial-up");

        // No source ISO unless asked for and not refused (the legacy --sourceisos, --nosource).
        for (boolean[] flags : new boolean[][] {{false, false}, {true, true}, {true, false}}) {
            PungiKojiCommand plain = command("pungi-koji", dvd("41",
                options(null, null, flags[0], flags[1], "all", KICKSTART)), WORK, null, false);
            Map<String, Object> c = PythonLiterals.config(plain.supportFiles(KICKSTART, line -> { }).get(plain.configFile()));
            assertThat(c).containsEntry("createiso_skip", List.of(List.of("^.*$", Map.of("src", true))))
                .doesNotContainKey("lorax_options");
            assertThat(plain.variant()).isEqualTo("DVD");
        }
    }

    @Test
    void aStringIsQuotedSoThatPythonReadsItBack() throws Exception {
        String nasty = "a\"b\\c'd\n\te\u0001 ${x} %(y)s";
        assertThat(PythonLiterals.config("k = " + PungiComposeConfig.quote(nasty))).containsEntry("k", nasty);
        assertThat(PungiComposeConfig.literal(new PungiComposeConfig.Tuple(List.of("x")))).isEqualTo("(\"x\",)");
    }

    @Test
    void theKickstartIsReadAsPykickstartReadsIt() throws Exception {
        DvdKickstart ks = DvdKickstart.read(KICKSTART);
        assertThat(ks.repos()).containsExactly(FEDORA,
            "https://dl.fedoraproject.org/pub/fedora/linux/updates/41/Everything/x86_64/");
        assertThat(ks.mirrorlists()).containsExactly("https://mirrors.fedoraproject.org/metalink?repo=fedora-41");
        assertThat(ks.groupIds()).containsExactly("core");
        assertThat(ks.environments()).containsExactly("server-product-environment");
        assertThat(ks.ignoreMissing()).isFalse();
        assertThat(ks.packages()).containsExactly("kernel", "anaconda");
        assertThat(ks.excluded()).containsExactly("fprintd");
    }

    /**
     * What a QA tester's rawhide kickstart brings: $releasever/$basearch in the URLs (the legacy pungi filled them in
     * itself; a compose uses pkgset_repos as written), and Fedora's mirror lists and metalinks (a compose takes base
     * URLs only: the first mirror), read from a local server playing mirrors.fedoraproject.org.
     */
    @Test
    void releaseVariablesAreFilledInAndMirrorListsBecomeTheirFirstMirror(@TempDir Path dir) throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        Map<String, String> answers = Map.of(
            "/mirrorlist", "# repo = rawhide arch = x86_64 country = DE\n\nftp://ftp.example/rawhide/x86_64/os/\n"
                + "https://mirror.example/fedora/development/rawhide/Everything/x86_64/os/\n"
                + "http://other.example/rawhide/x86_64/os/\n",
            "/metalink", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<metalink version=\"3.0\""
                + " xmlns=\"http://www.metalinker.org/\"><files><file name=\"repomd.xml\"><resources>"
                + "<url protocol=\"rsync\" type=\"rsync\">rsync://r.example/updates/repodata/repomd.xml</url>"
                + "<url protocol=\"https\" type=\"https\">https://m.example/updates/42/x86_64/repodata/repomd.xml</url>"
                + "</resources></file></files></metalink>\n",
            "/empty", "# no mirrors\n");
        server.createContext("/", exchange -> {
            String body = answers.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            RepoReader reader = new RepoReader(java.time.Duration.ofSeconds(10));
            String ks = """
                url --url=https://dl.fedoraproject.org/pub/fedora/linux/development/$releasever/Everything/$basearch/os/
                repo --name=extra --baseurl=https://example.org/${releasever}/${basearch}/
                repo --name=rawhide --mirrorlist=%1$s/mirrorlist?repo=$releasever&arch=$basearch
                repo --name=updates --metalink=%1$s/metalink?repo=updates-released-f42&arch=$basearch
                %%packages
                kernel
                %%end
                """.formatted(base);
            PungiKojiCommand command = new PungiKojiCommand("/usr/bin/pungi-koji", dvd("rawhide",
                options("Server", null, false, false, "all", ks)), WORK, null, false, reader);
            List<String> log = new ArrayList<>();
            Map<String, Object> config = PythonLiterals.config(command.supportFiles(ks, log::add)
                .get(command.configFile()));
            assertThat(config).containsEntry("release_version", "rawhide").containsEntry("pkgset_repos",
                Map.of("x86_64", List.of(
                    "https://dl.fedoraproject.org/pub/fedora/linux/development/rawhide/Everything/x86_64/os/",
                    "https://example.org/rawhide/x86_64/",
                    "https://mirror.example/fedora/development/rawhide/Everything/x86_64/os/",
                    "https://m.example/updates/42/x86_64/")))
                .containsEntry("image_name_format", "Fedora-Server-%(version)s-%(arch)s-%(disc_type)s%(suffix)s");
            assertThat(log).containsExactly(
                "kickstart mirror list " + base + "/mirrorlist?repo=rawhide&arch=x86_64: the compose reads base URLs"
                    + " only (pungi's pkgset_repos), so it takes its first mirror,"
                    + " https://mirror.example/fedora/development/rawhide/Everything/x86_64/os/",
                "kickstart mirror list " + base + "/metalink?repo=updates-released-f42&arch=x86_64: the compose reads"
                    + " base URLs only (pungi's pkgset_repos), so it takes its first mirror,"
                    + " https://m.example/updates/42/x86_64/");
            assertThat(PungiDvd.isoName(command.spec())).isEqualTo("Fedora-Server-rawhide-x86_64-DVD.iso");

            for (String list : List.of(base + "/empty", base + "/gone")) {
                String bad = "url --mirrorlist=" + list + "\n%packages\nkernel\n%end\n";
                PungiKojiCommand refused = new PungiKojiCommand("/usr/bin/pungi-koji", dvd("42",
                    options(null, null, false, false, "all", bad)), WORK, null, false, reader);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> refused.supportFiles(bad, line -> { }))
                    .isInstanceOf(KickstartException.class).hasMessageStartingWith("kickstart mirror list " + list
                        + ": a compose reads base URLs only (pungi's pkgset_repos) and this list could not be read"
                        + " for one (").hasMessageEndingWith("); give the repository a --baseurl (url --url) instead");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aStageBecomesThePhasesItNeeds() throws Exception {
        PungiKojiCommand all = command("/usr/bin/pungi-koji",
            dvd("41", options(null, null, false, false, "all", KICKSTART)), WORK, null, false);
        assertThat(all.arguments()).containsExactly("/usr/bin/pungi-koji",
            "--config", "/var/lib/fbs/work/builds/9/pungi-config/fbs-dvd.conf",
            "--compose-dir", "/var/lib/fbs/work/builds/9/pungi-compose", "--test", "--no-latest-link");
        assertThat(all.tool()).isEqualTo("pungi-koji");
        PungiKojiCommand gather = command("/usr/bin/pungi-koji",
            dvd("41", options(null, null, false, false, "-G", KICKSTART)), WORK, null, false);
        assertThat(gather.arguments()).endsWith("--just-phase", "init", "--just-phase", "pkgset", "--just-phase",
            "gather");
    }

    @Test
    void theStandInComposesFromTheFilesFbsWrote(@TempDir Path work) throws Exception {
        PungiKojiCommand command = command(STANDINS.resolve("pungi-koji").toString(),
            dvd("42", options("Server", null, false, true, "all", KICKSTART)), work, null, true);
        write(command);
        String out = run(command.arguments(), 0);
        assertThat(out).contains("COMPOSE_ID=Fedora-42-").contains("Compose finished");
        // named as the legacy script named them (image_name_format, disc_types)
        assertThat(command.isos()).extracting(p -> work.relativize(p).toString()).containsExactly(
            "pungi-compose/compose/Server/source/iso/Fedora-Server-42-source-DVD.iso",
            "pungi-compose/compose/Server/x86_64/iso/Fedora-Server-42-x86_64-DVD.iso",
            "pungi-compose/compose/Server/x86_64/iso/Fedora-Server-42-x86_64-netinst.iso");
        assertThat(work.resolve("pungi-compose/compose/metadata/composeinfo.json")).content()
            .contains("\"type\": \"test\"");
        // a real ISO 9660 image: "CD001" at byte 32769
        byte[] iso = Files.readAllBytes(command.isos().get(1));
        assertThat(new String(iso, 32769, 5, StandardCharsets.US_ASCII)).isEqualTo("CD001");

        PungiKojiCommand gather = command(STANDINS.resolve("pungi-koji").toString(),
            dvd("42", options(null, null, false, false, "-G", KICKSTART)), work.resolve("g"), null, false);
        write(gather);
        run(gather.arguments(), 0);
        assertThat(gather.isos()).isEmpty();
    }

    @Test
    void theStandInRefusesWhatPungiKojiRefuses(@TempDir Path work) throws Exception {
        PungiKojiCommand command = command(STANDINS.resolve("pungi-koji").toString(),
            dvd("41", options(null, null, false, false, "all", KICKSTART)), work, null, false);
        write(command);
        String koji = command.program();
        String conf = command.configFile().toString();
        String dir = work.resolve("c").toString();
        assertThat(run(List.of(koji, "--config", conf), 2)).contains(
            "one of the arguments --target-dir --compose-dir is required");
        assertThat(run(List.of(koji, "--compose-dir", dir, "--test"), 2)).contains(
            "the following arguments are required: --config");
        assertThat(run(List.of(koji, "--config", conf, "--compose-dir", dir, "--target-dir", dir, "--test"), 2))
            .contains("argument --compose-dir: not allowed with argument --target-dir");
        assertThat(run(List.of(koji, "--config", conf, "--compose-dir", dir), 2)).contains(
            "must specify label for a production compose");
        assertThat(run(List.of(koji, "--config", conf, "--compose-dir", dir, "--test", "--no-label", "--name", "x"),
            2)).contains("unrecognized arguments: --name x");
        assertThat(run(List.of(koji, "--config", conf, "--target-dir", work.resolve("none").toString(), "--test"), 2))
            .contains("The target directory does not exist or is not a directory");
        assertThat(run(List.of(koji, "--config", conf, "--compose-dir", dir, "--test", "--just-phase", "dvd"), 2))
            .contains("argument --just-phase: invalid choice: 'dvd'");
        assertThat(run(List.of(koji, "--config", conf, "--compose-dir", dir, "--test", "--just-phase", "gather"), 1))
            .contains("pkgset phase is skipped but it's needed by gather phase");
        assertThat(run(List.of(koji, "--version"), 0)).isEqualTo("pungi-4.9.0-1.fc41.noarch\n");
        PungiKojiCommand noRepo = command(koji, dvd("41", options(null, null, false, false, "all",
            "%packages\nkernel\n%end\n")), work.resolve("no-repo"), null, false);
        write(noRepo, "%packages\nkernel\n%end\n");
        assertThat(run(noRepo.arguments(), 1)).contains("pkgset_repos names no repository");

        // a volume id no format fits (pungi/util.py get_volid)
        PungiKojiCommand longName = command(koji, dvd("41", new DvdOptions("FedoraRespinForTheTestDay", "41.20261205",
            null, null, false, false, false, "all", new Kickstart("dvd.ks", KICKSTART))), work.resolve("long"), null,
            false);
        write(longName);
        assertThat(run(longName.arguments(), 1)).contains("Could not create volume ID longer than 32 bytes, options"
            + " are FedoraRespinForTheTestDay-41.20261205-x86_64");

        String text = Files.readString(command.configFile());
        Files.writeString(command.configFile(), text.replaceAll("(?m)^gather_method = .*\n", "")
            + "release_is_layered = False\npkgset_koji_tag = \"f41\"\n");
        assertThat(run(command.arguments(), 1)).contains(
            "WARNING: Config option release_is_layered was removed",
            "Failed validation in : 'gather_method' is a required property",
            "pkgset_source=repos conflicts with option pkgset_koji_tag");
    }

    private static void write(PungiKojiCommand command) throws Exception {
        write(command, KICKSTART);
    }

    private static void write(PungiKojiCommand command, String kickstart) throws Exception {
        for (Map.Entry<Path, String> file : command.supportFiles(kickstart, line -> { }).entrySet()) {
            Files.createDirectories(file.getKey().getParent());
            Files.writeString(file.getKey(), file.getValue());
        }
    }

    static String run(List<String> args, int status) throws Exception {
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isEqualTo(status);
        return output;
    }

    private static Map<String, Object> with(Map<String, Object> config, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        out.put(key, value);
        return out;
    }

    private static Map<String, Object> without(Map<String, Object> config, String key) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        out.remove(key);
        return out;
    }
}
