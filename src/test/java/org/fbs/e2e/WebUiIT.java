package org.fbs.e2e;

import static org.fbs.testkit.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import org.fbs.testkit.TestTools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's chromium, headless, through its chromedriver) against a real master with
 * login and a real worker, both started from the packaged fbs.jar. The OpenID Connect provider is mock-oauth2-server
 * with its interactive login page, where the browser types a user name (and claims) as a person would. The
 * worker's lorax is the stand-in, told to take its time, so that the build page can be watched while the log
 * grows. One test walks the whole story (the cluster takes long to start on a small machine); screenshots go to
 * target/screenshots.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class WebUiIT {

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path STANDINS = Path.of(System.getProperty("fbs.standins", "src/test/standins")).toAbsolutePath();
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Seconds the lorax stand-in spreads over its progress lines: long enough to watch, and to cancel in. */
    static final String STANDIN_SECONDS = "20";
    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final String ISSUER_ID = "fedora";
    static final String CLIENT_ID = "fbs-webui";

    static final List<FbsNode> nodes = new ArrayList<>();
    static MockOAuth2Server provider;
    static String issuer;
    static String master;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER),
            "WebUiIT needs Debian's chromium and chromedriver (apt-get install chromium chromium-driver): "
                + CHROMEDRIVER + " is missing");
        Path dir = Files.createDirectories(Path.of("target", "e2e", "webui-" + System.currentTimeMillis()))
            .toAbsolutePath();
        Files.createDirectories(SCREENSHOTS);

        // The provider shows its own login form: any user name, and claims as JSON.
        provider = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\": true}"));
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
        issuer = "http://127.0.0.1:" + provider.url("/").port() + "/" + ISSUER_ID;

        String cluster = "fbs-webui-" + UUID.randomUUID();
        int masterHz = freePort();
        int workerHz = freePort();
        String members = "[\"127.0.0.1:" + masterHz + "\", \"127.0.0.1:" + workerHz + "\"]";
        // The secret both nodes share, as `fbs cluster keys` makes it: the master signs the worker links with it.
        Path secret = dir.resolve("cluster-secret");
        Files.write(secret, org.fbs.cluster.LinkSigner.newSecret());
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        int masterPort = freePort();
        master = "http://127.0.0.1:" + masterPort;
        nodes.add(FbsNode.start("master", "master", """
            cluster: {name: %s, host: 127.0.0.1, port: %d, event-bus-port: 0, members: %s, secret-file: "%s"}
            master:
              http: {host: 127.0.0.1, port: %d}
              data-dir: %s
              auth:
                oidc: {issuer: "%s", client-id: %s, client-secret: "%s"}
                admin-group: fbs-admins
            """.formatted(cluster, masterHz, members, secret, masterPort, dir.resolve("master-data"), issuer,
            CLIENT_ID, "secret-" + UUID.randomUUID()), dir, Map.of()));
        // Open without login, and answers only once the master has read the provider's discovery document.
        awaitHttp(master + "/api/v1/info", body -> body.contains("\"version\""));
        nodes.add(FbsNode.start("w-ui", "worker", """
            cluster: {name: %s, host: 127.0.0.1, port: %d, event-bus-port: 0, members: %s, secret-file: "%s"}
            worker:
              id: w-ui
              http: {host: 127.0.0.1, port: %d}
              arches: [x86_64]
              releases: ["41"]
              work-dir: %s
              min-free-disk: 16MiB
            %s""".formatted(cluster, workerHz, members, secret, freePort(), dir.resolve("w-ui"),
            TestTools.yaml(Map.of("lorax", STANDINS.resolve("lorax").toString()), 2)), dir, Map.of("FBS_STANDIN_SLEEP", STANDIN_SECONDS)));

        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
            .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        // The console, to see what the pages' Content-Security-Policy blocked.
        LoggingPreferences console = new LoggingPreferences();
        console.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", console);
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (FbsNode node : nodes) {
            node.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    @Test
    void aUserLogsInBuildsWatchesCancelsAndLogsOutAndNobodyElseSeesTheirBuilds() throws Exception {
        // A page asked for before logging in is where the login ends.
        browser.get(master + "/cluster");
        logInAtTheProvider("tester", "{\"email\": \"tester@example.org\", \"groups\": [\"packagers\"]}",
            "01-login-page");
        assertThat(browser.getCurrentUrl()).isEqualTo(master + "/cluster");
        assertLoggedInAs("tester", false);
        // The worker announces itself in its own time.
        waitFor(b -> {
            b.navigate().refresh();
            return b.findElement(By.id("workers")).getText().contains("w-ui") ? true : null;
        });
        assertThat(browser.findElement(By.id("workers")).getText()).contains("w-ui", "x86_64/41");
        screenshot("02-cluster");
        browser.get(master + "/account");
        assertThat(browser.findElement(By.id("name")).getText()).isEqualTo("tester");
        assertThat(browser.findElement(By.id("email")).getText()).isEqualTo("tester@example.org");
        assertThat(browser.findElement(By.id("admin")).getText()).startsWith("no");
        browser.get(master + "/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("My builds");
        assertThat(browser.findElements(By.id("no-builds"))).hasSize(1);
        screenshot("03-dashboard-logged-in");

        long watched = aBuildFromTheFormIsWatchedLiveUntilItSucceeds();
        long canceled = anotherBuildIsCanceledFromItsPage();

        browser.get(master + "/");
        String mine = browser.findElement(By.id("builds")).getText();
        assertThat(mine).contains("#" + watched, "SUCCEEDED", "#" + canceled, "CANCELED", "Duration");
        assertThat(browser.findElements(By.cssSelector("#builds td.duration"))).hasSize(3)
            .allMatch(cell -> cell.getText().matches("[0-9]+ (s|min [0-9]{2} s)"));
        screenshot("09-dashboard-with-builds");
        theTrendsPageDrawsTodaysBuilds();

        logOut("10-logged-out");
        // Logged out, the build page sends the browser to the login again.
        browser.get(master + "/builds/" + watched);
        logInAtTheProvider("other", "{\"email\": \"other@example.org\"}", null);
        assertThat(browser.getCurrentUrl()).isEqualTo(master + "/builds/" + watched);
        assertLoggedInAs("other", false);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("No such build");
        assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("tester", "WebUI");
        screenshot("11-other-user-404");
        // The log is plain text, and as hidden.
        browser.get(master + "/builds/" + watched + "/log");
        assertThat(browser.findElement(By.tagName("body")).getText()).isEqualTo("no such build");
        browser.get(master + "/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("My builds");
        assertThat(browser.findElements(By.cssSelector("#builds tbody tr"))).isEmpty();
        assertThat(browser.findElements(By.id("no-builds"))).hasSize(1);
        screenshot("12-other-user-dashboard");

        // An admin by the provider's groups claim sees everyone's builds.
        logOut(null);
        browser.findElement(By.id("log-in")).click();
        logInAtTheProvider("boss", "{\"groups\": [\"fbs-admins\"]}", null);
        assertThat(browser.getCurrentUrl()).isEqualTo(master + "/");
        assertLoggedInAs("boss", true);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("All builds");
        assertThat(browser.findElement(By.id("builds")).getText()).contains("#" + watched, "#" + canceled, "tester");
        screenshot("13-admin-dashboard");

        // Nothing any page did (scripts, styles, form posts and the redirects after them) was blocked by its CSP.
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
            .noneMatch(line -> line.getMessage().contains("Content Security Policy"));
    }

    /**
     * On the provider's login page (where the master sent the browser): types the user name and the claims JSON as
     * a person does, signs in, and waits to be back on the master.
     */
    static void logInAtTheProvider(String user, String claims, String screenshot) throws IOException {
        WebElement name = waitFor(b -> b.getCurrentUrl().startsWith(issuer + "/authorize")
            ? b.findElement(By.name("username")) : null);
        assertThat(browser.getCurrentUrl()).contains("client_id=" + CLIENT_ID, "code_challenge=",
            "redirect_uri=" + URLEncoder.encode(master + "/callback", StandardCharsets.UTF_8));
        name.sendKeys(user);
        browser.findElement(By.name("claims")).sendKeys(claims);
        if (screenshot != null) {
            screenshot(screenshot);
        }
        browser.findElement(By.cssSelector("input[type=submit]")).click();
        waitFor(b -> b.getCurrentUrl().startsWith(master + "/") && !b.getCurrentUrl().startsWith(master + "/login")
            && !b.getCurrentUrl().startsWith(master + "/callback") ? true : null);
    }

    /** The header names the user (an admin with the badge); no local-mode banner, and a Log out button. */
    static void assertLoggedInAs(String user, boolean admin) {
        assertThat(browser.findElement(By.cssSelector("header .user")).getText())
            .isEqualTo(admin ? user + " admin" : user);
        assertThat(browser.findElements(By.id("local-mode"))).isEmpty();
        assertThat(browser.findElement(By.id("logout")).isDisplayed()).isTrue();
    }

    /** The header's Log out button, which lands on the master's logged-out page (not on the provider's). */
    static void logOut(String screenshot) throws IOException {
        browser.get(master + "/");
        browser.findElement(By.id("logout")).click();
        waitFor(b -> b.getCurrentUrl().equals(master + "/logged-out") ? true : null);
        assertThat(browser.findElement(By.id("logged-out")).getText()).contains("You are logged out");
        assertThat(browser.findElement(By.cssSelector("header .user")).getText()).isEqualTo("not logged in");
        assertThat(browser.findElements(By.id("logout"))).isEmpty();
        if (screenshot != null) {
            screenshot(screenshot);
        }
    }

    static long aBuildFromTheFormIsWatchedLiveUntilItSucceeds() throws Exception {
        long id = submitFromTheForm("WebUI");
        screenshot("05-build-page");

        WebElement log = browser.findElement(By.id("log"));
        int first = waitFor(b -> log.getText().length() > 0 ? log.getText().length() : null);
        String stateAtFirst = state();
        int second = waitFor(b -> log.getText().length() > first ? log.getText().length() : null);
        screenshot("06-build-running");
        assertThat(stateAtFirst).isIn("ASSIGNED", "RUNNING");
        assertThat(second).isGreaterThan(first);

        // A build submitted now waits behind it (the worker has one slot): its page says where it stands in line.
        long queued = submitFromTheForm("Queued");
        String place = waitFor(b -> b.findElements(By.id("place-in-line")).isEmpty() ? null
            : b.findElement(By.id("place-in-line")).getText());
        assertThat(place).startsWith("1st in line for x86_64/41; 1 worker");
        screenshot("06b-place-in-line");
        browser.findElement(By.id("cancel")).click();
        assertThat(browser.getCurrentUrl()).isEqualTo(master + "/builds/" + queued);
        waitFor(b -> "CANCELED".equals(state()) ? true : null);
        assertThat(browser.findElements(By.id("place-in-line"))).isEmpty();
        browser.get(master + "/builds/" + id);

        waitFor(b -> "SUCCEEDED".equals(state()) ? true : null);
        String text = waitFor(b -> b.findElement(By.id("log")).getText().contains("build " + id + " succeeded")
            ? b.findElement(By.id("log")).getText() : null);
        assertThat(text).contains("== image ==", "creating boot.iso").hasSizeGreaterThan(second);
        assertThat(browser.findElement(By.id("artifacts")).getText()).contains("boot.iso");
        assertThat(browser.findElements(By.id("cancel"))).isEmpty();
        assertThat(browser.findElements(By.id("no-log"))).isEmpty();
        assertThat(browser.findElement(By.id("log-link")).getAttribute("href")).endsWith("/builds/" + id + "/log");
        assertThat(browser.findElement(By.cssSelector("ol.steps li.step-done:last-child")).getText())
            .isEqualTo("succeeded");
        assertThat(browser.findElement(By.cssSelector("dl.facts")).getText()).contains("tester");
        // The stage bar: the image stage (the stand-in's seconds) is drawn, and the total is said.
        WebElement image = browser.findElement(By.cssSelector("#stage-bar rect[data-stage='image']"));
        assertThat(Double.parseDouble(image.getAttribute("width"))).isPositive();
        assertThat(image.getSize().getWidth()).as("drawn on the page").isPositive();
        assertThat(browser.findElement(By.id("stage-times")).getText()).contains("queued", "image", "Total:");
        assertThat(browser.findElement(By.id("total-time")).getText()).matches("[0-9]+ (s|min [0-9]{2} s)");
        screenshot("07-build-succeeded");
        return id;
    }

    static long anotherBuildIsCanceledFromItsPage() throws Exception {
        long id = submitFromTheForm("Cancel");
        waitFor(b -> "RUNNING".equals(state()) ? true : null);

        browser.findElement(By.id("cancel")).click();

        assertThat(browser.getCurrentUrl()).isEqualTo(master + "/builds/" + id);
        waitFor(b -> "CANCELED".equals(state()) ? true : null);
        assertThat(browser.findElement(By.cssSelector("ol.steps li:last-child")).getText()).isEqualTo("canceled");
        screenshot("08-build-canceled");
        return id;
    }

    /** The header's Trends link: today's three builds in the per-day chart, and the boot builds' times. */
    static void theTrendsPageDrawsTodaysBuilds() throws IOException {
        browser.findElement(By.linkText("Trends")).click();
        assertThat(browser.getCurrentUrl()).isEqualTo(master + "/trends");
        WebElement today = browser.findElement(By.cssSelector("#per-day g.day:last-of-type"));
        assertThat(today.getAttribute("data-total")).isEqualTo("3");
        assertThat(today.findElements(By.cssSelector("rect"))).extracting(r -> r.getAttribute("data-state"))
            .containsExactlyInAnyOrder("SUCCEEDED", "CANCELED");
        assertThat(today.findElement(By.cssSelector("rect")).getSize().getHeight()).as("drawn").isPositive();
        assertThat(browser.findElement(By.cssSelector("#times tr[data-type='boot']")).getText()).startsWith("boot 3");
        assertThat(browser.findElements(By.cssSelector("#times-boot rect"))).hasSize(4);
        screenshot("09b-trends");
    }

    /** Fills the New build form as a user does, submits it, and lands on the new build's page. */
    static long submitFromTheForm(String product) throws IOException {
        browser.get(master + "/");
        browser.findElement(By.linkText("New build")).click();
        new Select(browser.findElement(By.name("type"))).selectByVisibleText("boot");
        new Select(browser.findElement(By.name("arch"))).selectByVisibleText("x86_64");
        browser.findElement(By.name("release")).sendKeys("41");
        browser.findElement(By.name("boot.product")).sendKeys(product);
        // Only the chosen type's options show, where JavaScript is on.
        assertThat(browser.findElement(By.name("dvd.flavor")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.name("boot.proxy")).isDisplayed()).isTrue();
        screenshot("04-new-build-form");
        browser.findElement(By.id("submit")).click();
        String url = browser.getCurrentUrl();
        assertThat(url).matches(java.util.regex.Pattern.quote(master) + "/builds/[0-9]+");
        return Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
    }

    static String state() {
        return browser.findElement(By.id("state")).getAttribute("data-state");
    }

    static <T> T waitFor(Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(100));
        // Where the browser was stuck, and what it showed, for whoever reads the failure.
        wait.withMessage(() -> "the browser is at " + browser.getCurrentUrl() + ", showing:\n"
            + browser.findElement(By.tagName("body")).getText());
        return wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"),
            ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    static void awaitHttp(String url, java.util.function.Predicate<String> ready) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Instant end = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(end)) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
                if (ready.test(body)) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        StringBuilder out = new StringBuilder();
        nodes.forEach(n -> out.append("\n--- ").append(n.name).append(" ---\n").append(n.output()));
        throw new AssertionError(url + " never answered as expected" + out);
    }
}
