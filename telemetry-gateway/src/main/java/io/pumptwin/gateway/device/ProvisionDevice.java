package io.pumptwin.gateway.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Provisions a device in the device file with a fresh random secret, and prints the secret once:
 * the operator configures it on the device; the gateway picks the new entry up without a restart.
 *
 * <pre>
 * java -cp telemetry-gateway.jar:... io.pumptwin.gateway.device.ProvisionDevice \
 *     --file devices.json --device hc-000123 --pump NGP123456H
 * </pre>
 */
@Command(name = "provision-device", mixinStandardHelpOptions = true,
    description = "Create (or rotate) a device's credentials in the gateway's device file.")
public final class ProvisionDevice implements Callable<Integer> {
  /** 32 random bytes: the full strength of an HMAC-SHA256 key. */
  private static final int SECRET_BYTES = 32;

  @Option(names = "--file", required = true, description = "Device file (JSON); created if absent.")
  Path file;

  @Option(names = "--device", required = true, description = "Device id, e.g. hc-000123.")
  String deviceId;

  @Option(names = "--pump", description = "Pump serial the device may report for (repeatable);"
      + " '*' for any pump (simulators and test tools only).")
  List<String> pumps = new ArrayList<>();

  @Option(names = "--rotate", description = "Replace the secret of an existing device.")
  boolean rotate;

  @Override
  public Integer call() throws Exception {
    if (pumps.isEmpty()) {
      System.err.println("at least one --pump is required");
      return 2;
    }
    Map<String, Device> devices = Files.exists(file)
        ? new LinkedHashMap<>(DeviceFile.read(file)) : new LinkedHashMap<>();
    Device existing = devices.get(deviceId);
    if (existing != null && !rotate) {
      System.err.println("device " + deviceId + " already exists in " + file
          + "; use --rotate to issue a new secret");
      return 1;
    }
    String secret = newSecret(new SecureRandom());
    TreeSet<String> serials = new TreeSet<>(pumps);
    if (existing != null) {
      serials.addAll(existing.pumpSerials());
    }
    devices.put(deviceId, new Device(deviceId, secret, serials));
    DeviceFile.write(file, devices.values());
    // Standard output, not a log: the operator needs the secret once to configure the device.
    System.out.println("deviceId=" + deviceId);
    System.out.println("secret=" + secret);
    System.out.println("pumps=" + String.join(",", serials));
    return 0;
  }

  public static String newSecret(SecureRandom random) {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProvisionDevice()).execute(args));
  }
}
