package io.pumptwin.gateway.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices provisioned in a JSON file that an operator manages:
 *
 * <pre>
 * {"devices": [
 *   {"deviceId": "hc-000123", "secret": "...", "pumpSerials": ["NGP123456H"]},
 *   {"deviceId": "fleet-simulator", "secret": "...", "pumpSerials": ["*"]}
 * ]}
 * </pre>
 *
 * The file is re-read when it changes (checked at most once per {@code recheck}), so a device
 * provisioned while the gateway runs can send at once. A file that fails to parse leaves the last
 * good set in place and logs why: a typo by an operator must not lock out every device.
 */
public final class DeviceFile implements DeviceDirectory {
  private static final Logger log = LoggerFactory.getLogger(DeviceFile.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final Clock clock;
  private final Duration recheck;
  private volatile Snapshot current;

  private record Snapshot(Map<String, Device> devices, FileTime modified, Instant checkedAt) {}

  public DeviceFile(Path path, Clock clock, Duration recheck) {
    this.path = path;
    this.clock = clock;
    this.recheck = recheck;
    this.current = new Snapshot(Map.of(), FileTime.fromMillis(Long.MIN_VALUE), Instant.MIN);
    reloadIfChanged(true);
  }

  @Override
  public Optional<Device> find(String deviceId) {
    Snapshot s = current;
    if (s.checkedAt.plus(recheck).isBefore(clock.instant())) {
      reloadIfChanged(false);
      s = current;
    }
    return Optional.ofNullable(s.devices.get(deviceId));
  }

  public int size() {
    return current.devices.size();
  }

  private synchronized void reloadIfChanged(boolean initial) {
    Instant now = clock.instant();
    Snapshot s = current;
    FileTime modified;
    try {
      modified = Files.getLastModifiedTime(path);
    } catch (NoSuchFileException e) {
      if (initial) {
        log.warn("device file missing path={} devices=0 (provision one with ProvisionDevice)", path);
      }
      current = new Snapshot(s.devices, s.modified, now);
      return;
    } catch (IOException e) {
      log.warn("device file unreadable path={} error={}", path, e.toString());
      current = new Snapshot(s.devices, s.modified, now);
      return;
    }
    if (modified.equals(s.modified)) {
      current = new Snapshot(s.devices, s.modified, now);
      return;
    }
    try {
      Map<String, Device> devices = read(path);
      long anyPump = devices.values().stream().filter(d -> d.pumpSerials().contains(Device.ANY_PUMP)).count();
      log.info("device file loaded path={} devices={} anyPumpDevices={}", path, devices.size(), anyPump);
      current = new Snapshot(devices, modified, now);
    } catch (IOException | RuntimeException e) {
      log.error("device file rejected path={} error={} keeping={}", path, e.getMessage(), s.devices.size());
      current = new Snapshot(s.devices, modified, now);
    }
  }

  /** Reads a device file; throws with a message naming the entry at fault. */
  public static Map<String, Device> read(Path path) throws IOException {
    JsonNode root = JSON.readTree(path.toFile());
    JsonNode list = root == null ? null : root.get("devices");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("expected {\"devices\": [...]}");
    }
    Map<String, Device> devices = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode d = list.get(i);
      String id = d.path("deviceId").asText("");
      String secret = d.path("secret").asText("");
      List<String> pumps = new ArrayList<>();
      d.path("pumpSerials").forEach(p -> pumps.add(p.asText()));
      try {
        Device device = new Device(id, secret, new TreeSet<>(pumps));
        if (devices.put(id, device) != null) {
          throw new IllegalArgumentException("duplicate deviceId " + id);
        }
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("devices[" + i + "]: " + e.getMessage(), e);
      }
    }
    return devices;
  }

  /**
   * Writes the devices atomically (write to a temporary file, then rename), readable by the owner
   * only where the file system supports it: the file holds secrets.
   */
  public static void write(Path path, Iterable<Device> devices) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("devices");
    for (Device d : devices) {
      ObjectNode node = list.addObject();
      node.put("deviceId", d.deviceId());
      node.put("secret", d.secret());
      ArrayNode pumps = node.putArray("pumpSerials");
      new TreeSet<>(d.pumpSerials()).forEach(pumps::add);
    }
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".devices", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the directory's ACL applies.
      }
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
