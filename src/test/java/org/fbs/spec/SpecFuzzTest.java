package org.fbs.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests over random and mutated specs, INI and JSON: a parser either returns a spec or throws a
 * SpecException listing errors in the documented shape; nothing else (no NullPointerException, no
 * StackOverflowError, no hang). Every spec it accepts survives its canonical JSON unchanged. The inputs are drawn
 * from seeded generators, a bounded number per property so that CI stays fast; set -Dfbs.fuzz.seed=N to explore
 * other inputs, and a failure names the seed and the input that broke it.
 */
class SpecFuzzTest {

    static final int TRIES = 2000;
    static final long SEED = Long.getLong("fbs.fuzz.seed", 20120811L);

    /** Keys of every section, plus near misses, so that random specs reach deep into the validator. */
    static final String[] KEYS = {"type", "arch", "release", "staging", "email", "nvr", "bid", "product", "version",
        "updates", "updates-testing", "proxy", "41_url", "41_mirror", "41-updates_url", "41-updates-testing_mirror",
        "rawhide_url", "17_url", "name", "flavor", "bugurl", "nosource", "sourceisos", "force", "stage", "config",
        "kickstart", "tool", "profile", "label", "title", "releasever", "outdir", "workdir", "destdir", "cachedir",
        "tmpdir", "logfile", "Type", "", " ", "41_", "_url", "x"};
    static final String[] SECTIONS = {"DEFAULT", "boot", "dvd", "live", "Boot", "", "DEFAULT ", "x"};
    static final String[] VALUES = {"boot", "dvd", "live", "x86_64", "i686", "armhfp", "s390x", "41", "rawhide",
        "0", "1", "true", "no", "-1", "041", "99999999999999999999", "all", "-G", "-Q", "kiwi", "livemedia-creator",
        "Fedora", "-o /etc", "https://example.org/ks.ks", "http://", "http://[::1]:80/x", "https://u:p@h/x",
        "file:///srv/out", "file:///", "file:///a/../b", "ftp://u:p@h.example.org:21/p/", "ftp://h:0/x",
        "ftp://h:65536/x", "ftp://@h/x", "ftp://:p@h/x", "10.0.0.27", "a@example.org; b@example.org", "@", "a@",
        "wget-1.13.4-4.fc17", "a-1-2;;b-3-4", "1;2;0", ";", "../../etc/cron.d/x", "C:\\x", "%2e%2e", "\u0000",
        "\u202e", "\uFEFF", "\uD800", "é", "a".repeat(300), "1.".repeat(200) + "1", "x:y=z", "[live]", "#", ""};

    interface Parse {
        BuildSpec run() throws SpecException;
    }

    /** Fails unless {@code parse} returns a round-tripping spec or throws a well-formed SpecException. */
    static void check(long seed, int round, String input, Parse parse) {
        BuildSpec spec;
        try {
            spec = parse.run();
        } catch (SpecException e) {
            assertThat(e.errors()).as("seed %d, round %d, input:%n%s", seed, round, input).isNotEmpty()
                .allSatisfy(error -> assertThat(error).matches("(?s)(\\[[^\\]]*\\] .*: |\\[[^\\]]*\\]: |line [0-9]+: "
                    + "|spec: ).+"));
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("seed " + seed + ", round " + round + ": unexpected " + e + " for input:\n"
                + input, e);
        }
        try {
            assertThat(SpecParser.fromJson(new JsonObject(spec.toJson().encode()))).isEqualTo(spec);
        } catch (SpecException e) {
            throw new AssertionError("seed " + seed + ", round " + round + ": accepted, but its canonical JSON is "
                + "refused with " + e.errors() + "; input:\n" + input);
        }
    }

    @Test
    void randomIniSpecs() {
        Random random = new Random(SEED);
        for (int i = 0; i < TRIES; i++) {
            String ini = randomIni(random);
            String ksName = random.nextInt(4) == 0 ? pick(random, VALUES) : null;
            String ksText = random.nextInt(4) == 0 ? pick(random, VALUES) : null;
            check(SEED, i, ini, () -> SpecParser.fromIni(ini, ksName, ksText));
        }
    }

    @Test
    void mutatedIniSpecs() throws Exception {
        Random random = new Random(SEED + 1);
        List<String> seeds = new ArrayList<>(List.of(SpecParserTest.DVD_2012, SpecParserTest.LIVE_2012));
        for (String sample : List.of("boot", "dvd", "live")) {
            seeds.add(Files.readString(Path.of("conf", sample + "_imagebuild.conf")));
        }
        for (int i = 0; i < TRIES; i++) {
            String ini = mutate(seeds.get(random.nextInt(seeds.size())), random);
            check(SEED + 1, i, ini, () -> SpecParser.fromIni(ini));
        }
    }

    @Test
    void randomJsonSpecs() {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < TRIES; i++) {
            JsonObject json = new JsonObject();
            int members = random.nextInt(8);
            for (int m = 0; m < members; m++) {
                json.put(pick(random, KEYS), randomJsonValue(random, 0));
            }
            // Usually a plausible [DEFAULT], so that the section validators run too.
            if (random.nextInt(3) > 0) {
                json.put("type", pick(random, new String[] {"boot", "dvd", "live"})).put("arch", "x86_64")
                    .put("release", 41);
            }
            String section = pick(random, new String[] {"boot", "dvd", "live"});
            JsonObject own = new JsonObject();
            for (int m = random.nextInt(8); m > 0; m--) {
                own.put(pick(random, KEYS), randomJsonValue(random, 0));
            }
            json.put(section, random.nextInt(10) == 0 ? randomJsonValue(random, 0) : own);
            check(SEED + 2, i, json.encode(), () -> SpecParser.fromJson(json));
        }
    }

    @Test
    void mutatedJsonSpecs() throws Exception {
        Random random = new Random(SEED + 3);
        List<String> seeds = List.of(
            SpecParser.fromIni(SpecParserTest.DVD_2012).withKickstartText("%packages\n%end\n").toJson().encode(),
            SpecParser.fromIni(SpecParserTest.LIVE_2012).toJson().encode(),
            SpecParser.fromIni(Files.readString(Path.of("conf/boot_imagebuild.conf"))).toJson().encode());
        int decoded = 0;
        for (int i = 0; i < TRIES; i++) {
            String text = mutate(seeds.get(random.nextInt(seeds.size())), random);
            JsonObject json;
            try {
                json = new JsonObject(text);
            } catch (DecodeException e) {
                continue; // not JSON: the HTTP layer answers 400 before a parser sees it
            }
            decoded++;
            check(SEED + 3, i, text, () -> SpecParser.fromJson(json));
        }
        // The mutations must leave enough valid JSON for the property to mean something.
        assertThat(decoded).isGreaterThan(TRIES / 4);
    }

    private static String randomIni(Random random) {
        StringBuilder ini = new StringBuilder();
        int lines = random.nextInt(30);
        for (int l = 0; l < lines; l++) {
            switch (random.nextInt(10)) {
                case 0, 1 -> ini.append('[').append(pick(random, SECTIONS)).append(']');
                case 2 -> ini.append(random.nextBoolean() ? "#" : ";").append(pick(random, VALUES));
                case 3 -> ini.append(pick(random, VALUES));
                default -> ini.append(pick(random, KEYS)).append(random.nextBoolean() ? "=" : " : ")
                    .append(pick(random, VALUES));
            }
            ini.append(random.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        return ini.toString();
    }

    private static Object randomJsonValue(Random random, int depth) {
        return switch (random.nextInt(depth > 3 ? 6 : 9)) {
            case 0 -> null;
            case 1 -> random.nextLong();
            case 2 -> random.nextDouble() * 1e6;
            case 3 -> random.nextBoolean();
            case 4 -> new BigDecimal(new BigInteger(200, random), random.nextInt(40) - 20);
            case 5 -> pick(random, VALUES);
            case 6, 7 -> {
                JsonArray array = new JsonArray();
                for (int n = random.nextInt(4); n > 0; n--) {
                    array.add(randomJsonValue(random, depth + 1));
                }
                yield array;
            }
            default -> {
                JsonObject object = new JsonObject();
                for (int n = random.nextInt(3); n > 0; n--) {
                    object.put(pick(random, KEYS), randomJsonValue(random, depth + 1));
                }
                yield object;
            }
        };
    }

    /** A few random edits: delete, insert or replace a character, duplicate or drop a line. */
    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        String alphabet = "[]=:;#{}\",\\\n\r\t -_./@%0159azAZ\u0000\u00e9\u202e";
        for (int e = 1 + random.nextInt(6); e > 0 && out.length() > 0; e--) {
            int at = random.nextInt(out.length());
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(6)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, c);
                case 2 -> out.setCharAt(at, c);
                case 3 -> out.insert(at, pick(random, VALUES));
                case 4 -> {
                    int end = out.indexOf("\n", at);
                    if (end > 0) {
                        int start = out.lastIndexOf("\n", at) + 1;
                        out.insert(start, out.substring(start, end + 1));
                    }
                }
                default -> {
                    int end = Math.min(out.length(), at + random.nextInt(40));
                    out.delete(at, end);
                }
            }
        }
        return out.toString();
    }

    private static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }
}
