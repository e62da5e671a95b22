package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.replay.report.HtmlReport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import picocli.CommandLine;

/**
 * The what-if report of a replay opens in a real headless Chromium (Debian's, through Debian's
 * chromedriver, so Selenium Manager downloads nothing) with no console errors, shows every plot,
 * and its screenshot is kept as a test artifact (target/screenshots, docs/screenshots).
 */
class ReplayReportBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir
  Path dir;

  @Test
  void theWhatIfReportOpensInChromiumWithoutErrorsAndShowsEveryPlot() throws Exception {
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      assertThat(p).as(p + ": the report test needs Debian's chromium and chromium-driver").isExecutable();
    }
    Path file = dir.resolve("telemetry.avro");
    SimulatedTelemetry.export(SimulatedTelemetry.scenario("missed-refill", 10, 75), 5_151, "RPT", file);
    Path whatIf = dir.resolve("what-if.yaml");
    Files.writeString(whatIf, "name: lead-14d-high-dose-300\nmodel:\n  refillLeadTimeDays: 14\n"
        + "alertPolicy:\n  highDoseMcgPerDay: 300\n");
    Path out = dir.resolve("out");
    int exit = new CommandLine(new ReplayCommand()).execute("--source", "file:" + file, "--what-if", whatIf.toString(),
        "--out", out.toString());
    assertThat(exit).isZero();
    Path report = out.resolve(HtmlReport.FILE);
    // Self-contained: no script, no stylesheet link, nothing fetched (the SVG namespace URI is a name, not a fetch).
    assertThat(Files.readString(report)).doesNotContain("<script").doesNotContain("<link")
        .doesNotContain("src=").doesNotContain("href=").doesNotContain("url(");

    Path profile = Files.createTempDirectory("replay-chromium-");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--window-size=1440,1000", "--force-device-scale-factor=1",
        "--allow-file-access-from-files");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      driver.get(report.toUri().toString());
      assertThat(driver.getTitle()).isEqualTo("PumpTwin replay report");
      for (String section : List.of("summary", "reservoir", "timeline", "lead-times", "catheter", "differences")) {
        assertThat(driver.findElement(By.id(section)).isDisplayed()).as(section).isTrue();
      }
      assertThat(driver.findElements(By.cssSelector("#reservoir figure svg path.band"))).isNotEmpty();
      assertThat(driver.findElements(By.cssSelector("#timeline svg circle"))).hasSizeGreaterThan(5);
      assertThat(driver.findElements(By.cssSelector("#lead-times svg rect.bar"))).isNotEmpty();
      assertThat(driver.findElements(By.cssSelector("#catheter svg rect.bar"))).isNotEmpty();
      assertThat(driver.findElement(By.id("differences")).getText()).contains("gained").contains("lost");
      // Rendered, not just present: the reservoir plots have a size on the page.
      assertThat(driver.findElement(By.cssSelector("#reservoir figure svg")).getSize().getWidth()).isGreaterThan(300);
      List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
      assertThat(errors).as("browser console warnings and errors").isEmpty();

      long height = ((Number) ((JavascriptExecutor) driver)
          .executeScript("return document.documentElement.scrollHeight")).longValue();
      driver.manage().window().setSize(new Dimension(1440, (int) Math.min(6000, height + 160)));
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path target = Path.of("target", "screenshots", "replay-report.png");
      Files.createDirectories(target.getParent());
      // Written, not copied: the driver's temporary file is private (0600); the artifact is for everyone.
      Files.write(target, Files.readAllBytes(shot.toPath()));
      Path docs = Path.of("..", "docs", "screenshots");
      if (Files.isDirectory(docs.getParent())) {
        Files.createDirectories(docs);
        Files.write(docs.resolve("replay-report.png"), Files.readAllBytes(target));
      }
      assertThat(Files.size(target)).isGreaterThan(20_000);
    } finally {
      driver.quit();
      service.stop();
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
