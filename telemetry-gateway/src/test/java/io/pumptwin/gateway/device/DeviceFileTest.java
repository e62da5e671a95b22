package io.pumptwin.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DeviceFileTest {
  @TempDir Path dir;

  @Test
  void provisioningCreatesADeviceWithAFreshSecretReadableByTheOwnerOnly() throws Exception {
    Path file = dir.resolve("devices.json");
    String out = provision("--file", file.toString(), "--device", "hc-1", "--pump", "NGP1", "--pump", "NGP2");

    Map<String, Device> devices = DeviceFile.read(file);
    Device d = devices.get("hc-1");
    assertThat(d.pumpSerials()).containsExactlyInAnyOrder("NGP1", "NGP2");
    assertThat(out).contains("secret=" + d.secret());
    assertThat(d.secret()).hasSizeGreaterThanOrEqualTo(43); // 32 bytes, base64url
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

    provision("--file", file.toString(), "--device", "hc-2", "--pump", "NGP3");
    assertThat(DeviceFile.read(file)).containsKeys("hc-1", "hc-2");
    assertThat(DeviceFile.read(file).get("hc-2").secret()).isNotEqualTo(d.secret());
  }

  @Test
  void anExistingDeviceIsOnlyReissuedOnRequest() throws Exception {
    Path file = dir.resolve("devices.json");
    provision("--file", file.toString(), "--device", "hc-1", "--pump", "NGP1");
    String first = DeviceFile.read(file).get("hc-1").secret();

    int refused = new CommandLine(new ProvisionDevice()).execute("--file", file.toString(), "--device", "hc-1", "--pump", "NGP1");
    assertThat(refused).isEqualTo(1);
    assertThat(DeviceFile.read(file).get("hc-1").secret()).isEqualTo(first);

    provision("--file", file.toString(), "--device", "hc-1", "--pump", "NGP9", "--rotate");
    Device rotated = DeviceFile.read(file).get("hc-1");
    assertThat(rotated.secret()).isNotEqualTo(first);
    assertThat(rotated.pumpSerials()).containsExactlyInAnyOrder("NGP1", "NGP9");
  }

  @Test
  void theGatewaySeesAChangedFileAndKeepsTheLastGoodOneWhenItBreaks() throws Exception {
    Path file = dir.resolve("devices.json");
    DeviceFile.write(file, java.util.List.of(new Device("hc-1", "0123456789abcdef0123", Set.of("NGP1"))));
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
    DeviceFile devices = new DeviceFile(file, clock, Duration.ofSeconds(2));
    assertThat(devices.find("hc-1")).isPresent();
    assertThat(devices.find("hc-2")).isEmpty();

    DeviceFile.write(file, java.util.List.of(new Device("hc-1", "0123456789abcdef0123", Set.of("NGP1")),
        new Device("hc-2", "abcdef0123456789abcd", Set.of("NGP2"))));
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-03-01T08:00:05Z")));
    assertThat(devices.find("hc-2")).as("not re-read within the recheck interval").isEmpty();
    clock.now = clock.now.plusSeconds(3);
    assertThat(devices.find("hc-2")).isPresent();

    Files.writeString(file, "{\"devices\": [ {\"deviceId\": \"hc-3\"");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-03-01T08:00:10Z")));
    clock.now = clock.now.plusSeconds(3);
    assertThat(devices.find("hc-2")).as("last good file kept").isPresent();
    assertThat(devices.size()).isEqualTo(2);
  }

  @Test
  void aShortSecretIsRefusedAtLoad() throws Exception {
    Path file = dir.resolve("devices.json");
    Files.writeString(file, "{\"devices\":[{\"deviceId\":\"hc-1\",\"secret\":\"short\",\"pumpSerials\":[\"N\"]}]}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceFile.read(file))
        .hasMessageContaining("devices[0]").hasMessageNotContaining("short\"");
  }

  private static String provision(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      code = new CommandLine(new ProvisionDevice()).execute(args);
    } finally {
      System.setOut(original);
    }
    assertThat(code).isZero();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
