package io.pumptwin.logscan;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.gateway.device.ProvisionDevice;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scan of {@link LogScanScenarioTest} can fail: a secret and a patient id logged on purpose,
 * through the same capture, at debug level and inside an exception, are found; a clean log is not
 * flagged.
 */
class LogScannerTest {
  private static final Logger log = LoggerFactory.getLogger("io.pumptwin.logscan.deliberate-leak");

  @TempDir Path dir;

  @Test
  void findsASecretAndAPatientIdThatWereLoggedOnPurpose() {
    String secret = ProvisionDevice.newSecret(new SecureRandom());
    String token = "tok-" + ProvisionDevice.newSecret(new SecureRandom());
    String patient = "PT-00c0ffee12345678";
    List<LogScanner.Needle> needles = List.of(new LogScanner.Needle("device secret", secret),
        new LogScanner.Needle("staff token", token), new LogScanner.Needle("patient id", patient));

    List<String> lines;
    try (CapturedLogs logs = CapturedLogs.to(dir.resolve("captured.log"))) {
      log.info("device provisioned device=hc-1 pump=NGP123456H");
      log.debug("device authenticated secret={}", secret.toUpperCase());
      log.warn("request failed", new IllegalStateException("bad token " + token));
      log.info("twin updated pump=NGP123456H patient={}", patient);
      lines = logs.lines();
    }

    List<LogScanner.Finding> findings = LogScanner.scan(lines, needles);
    assertThat(findings).extracting(LogScanner.Finding::kind)
        .containsExactlyInAnyOrder("device secret", "staff token", "patient id");
    assertThat(findings).allSatisfy(f -> assertThat(f.excerpt())
        .doesNotContain(secret).doesNotContain(token).doesNotContain(patient));
  }

  @Test
  void aLogWithoutThemIsClean() {
    String secret = ProvisionDevice.newSecret(new SecureRandom());
    List<String> lines;
    try (CapturedLogs logs = CapturedLogs.to(dir.resolve("clean.log"))) {
      log.info("device provisioned device=hc-1 pump=NGP123456H");
      lines = logs.lines();
    }
    assertThat(lines).anyMatch(l -> l.contains("device provisioned"));
    assertThat(LogScanner.scan(lines, List.of(new LogScanner.Needle("device secret", secret)))).isEmpty();
  }
}
