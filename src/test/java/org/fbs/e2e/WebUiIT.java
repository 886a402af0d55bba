package org.fbs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's chromium, headless, through its chromedriver) against a real master and
 * a real worker started from the packaged fbs.jar. The worker's lorax is the stand-in, told to take its time, so
 * that the build page can be watched while the log grows. Screenshots go to target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class WebUiIT {

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path STANDINS = Path.of(System.getProperty("fbs.standins", "src/test/standins")).toAbsolutePath();
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Seconds the lorax stand-in spreads over its progress lines: long enough to watch, and to cancel in. */
    static final String STANDIN_SECONDS = "10";
    static final Duration PATIENCE = Duration.ofSeconds(90);

    static final List<FbsNode> nodes = new ArrayList<>();
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
        String cluster = "fbs-webui-" + UUID.randomUUID();
        int masterHz = FbsNode.freePort();
        int workerHz = FbsNode.freePort();
        String members = "[\"127.0.0.1:" + masterHz + "\", \"127.0.0.1:" + workerHz + "\"]";
        int masterPort = FbsNode.freePort();
        master = "http://127.0.0.1:" + masterPort;
        nodes.add(FbsNode.start("master", "master", """
            cluster: {name: %s, host: 127.0.0.1, port: %d, members: %s}
            master:
              http: {host: 127.0.0.1, port: %d}
              data-dir: %s
            """.formatted(cluster, masterHz, members, masterPort, dir.resolve("master-data")), dir, Map.of()));
        awaitHttp(master + "/api/v1/workers", body -> body.contains("\"workers\""));
        nodes.add(FbsNode.start("w-ui", "worker", """
            cluster: {name: %s, host: 127.0.0.1, port: %d, members: %s}
            worker:
              id: w-ui
              http: {host: 127.0.0.1, port: %d}
              arches: [x86_64]
              releases: ["41"]
              work-dir: %s
              tools:
                lorax: %s
            """.formatted(cluster, workerHz, members, FbsNode.freePort(), dir.resolve("w-ui"),
            STANDINS.resolve("lorax")), dir, Map.of("FBS_STANDIN_SLEEP", STANDIN_SECONDS)));
        awaitHttp(master + "/api/v1/workers", body -> body.contains("\"w-ui\""));

        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
            .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        browser = new ChromeDriver(service, options);
        logIn();
    }

    /**
     * Today the master runs in local mode: no login, the browser is the local admin, and every page says so. When
     * the OIDC login lands, this is where the browser goes through the provider's login page.
     */
    static void logIn() {
        browser.get(master + "/");
        assertThat(browser.findElement(By.id("local-mode")).getText())
            .isEqualTo("local mode: no login, you are the local admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (FbsNode node : nodes) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void aBuildFromTheFormIsWatchedLiveUntilItSucceeds() throws Exception {
        long id = submitFromTheForm("WebUI");
        screenshot("2-build-page");

        WebElement log = browser.findElement(By.id("log"));
        int first = waitFor(b -> log.getText().length() > 0 ? log.getText().length() : null);
        String stateAtFirst = state();
        int second = waitFor(b -> log.getText().length() > first ? log.getText().length() : null);
        screenshot("3-build-running");
        assertThat(stateAtFirst).isIn("ASSIGNED", "RUNNING");
        assertThat(second).isGreaterThan(first);

        waitFor(b -> "SUCCEEDED".equals(state()) ? true : null);
        String text = waitFor(b -> log.getText().contains("build " + id + " succeeded") ? log.getText() : null);
        assertThat(text).contains("== image ==", "creating boot.iso").hasSizeGreaterThan(second);
        assertThat(browser.findElement(By.id("artifacts")).getText()).contains("boot.iso");
        assertThat(browser.findElements(By.id("cancel"))).isEmpty();
        assertThat(browser.findElements(By.id("no-log"))).isEmpty();
        assertThat(browser.findElement(By.id("log-link")).getAttribute("href")).endsWith("/builds/" + id + "/log");
        assertThat(browser.findElement(By.cssSelector("ol.steps li.step-done:last-child")).getText())
            .isEqualTo("succeeded");
        screenshot("4-build-succeeded");

        browser.get(master + "/");
        assertThat(browser.findElement(By.id("builds")).getText()).contains("SUCCEEDED");
        screenshot("5-dashboard");
        browser.get(master + "/cluster");
        assertThat(browser.findElement(By.id("workers")).getText()).contains("w-ui", "x86_64/41");
        screenshot("6-cluster");
    }

    @Test
    @Order(2)
    void anotherBuildIsCanceledFromItsPage() throws Exception {
        long id = submitFromTheForm("Cancel");
        waitFor(b -> "RUNNING".equals(state()) ? true : null);
        screenshot("7-before-cancel");

        browser.findElement(By.id("cancel")).click();

        assertThat(browser.getCurrentUrl()).isEqualTo(master + "/builds/" + id);
        waitFor(b -> "CANCELED".equals(state()) ? true : null);
        assertThat(browser.findElement(By.cssSelector("ol.steps li:last-child")).getText()).isEqualTo("canceled");
        screenshot("8-build-canceled");
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
        screenshot("1-new-build-form");
        browser.findElement(By.id("submit")).click();
        String url = browser.getCurrentUrl();
        assertThat(url).matches(java.util.regex.Pattern.quote(master) + "/builds/[0-9]+");
        return Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
    }

    static String state() {
        return browser.findElement(By.id("state")).getAttribute("data-state");
    }

    static <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, PATIENCE, Duration.ofMillis(100))
            .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
            .until(condition);
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
