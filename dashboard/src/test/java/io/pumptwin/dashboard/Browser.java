package io.pumptwin.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium, Debian's, driven through Debian's chromedriver: both paths are given,
 * so Selenium Manager never looks for (or downloads) a browser or a driver.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /** Height the headless window spends outside the page; the window must be this much taller. */
  private static final int CHROME_UI_PX = 160;

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;
  private final String baseUrl;

  Browser(String baseUrl) {
    for (Path p : new Path[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(p + " is missing: the dashboard's browser tests need Debian's"
            + " chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
      }
    }
    this.baseUrl = baseUrl;
    try {
      profile = Files.createTempDirectory("pumptwin-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--user-data-dir=" + profile, "--window-size=1440,1000",
        "--force-device-scale-factor=1", "--lang=en-GB");
    driver = new ChromeDriver(service, options);
  }

  void open(String path) {
    driver.get(baseUrl + path.replaceFirst("^/", ""));
  }

  void signIn(String token) {
    open("/signin.html");
    WebElement field = waitFor(By.id("token"));
    field.sendKeys(token);
    driver.findElement(By.id("signin-button")).click();
    new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/fleet.html"));
    waitFor(By.cssSelector("#fleet-body tr[data-serial]"));
  }

  WebElement waitFor(By by) {
    return new WebDriverWait(driver, Duration.ofSeconds(30))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void waitUntil(java.util.function.Function<ChromeDriver, Boolean> condition) {
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> condition.apply(driver));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The whole page, not just the viewport: the window is grown to the document's height first. */
  Path screenshot(String name) {
    long height = ((Number) js("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")).longValue();
    driver.manage().window().setSize(new Dimension(1440, (int) Math.min(5000, Math.max(900, height + CHROME_UI_PX))));
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(new Dimension(1440, 1000));
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover browser profile in the temporary directory is harmless
      }
    }
  }
}
