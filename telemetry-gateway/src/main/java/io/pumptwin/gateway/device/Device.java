package io.pumptwin.gateway.device;

import java.util.Objects;
import java.util.Set;

/**
 * A provisioned device (home communicator, clinician programmer, simulator) and the pumps it may
 * speak for. The secret is the HMAC key; it is never logged ({@link #toString()} masks it).
 *
 * @param pumpSerials the pumps this device may report for; {@code "*"} means any pump and is meant
 *     for the fleet simulator and test tools, never for a real device
 */
public record Device(String deviceId, String secret, Set<String> pumpSerials) {
  public static final String ANY_PUMP = "*";

  public Device {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(secret, "secret");
    pumpSerials = Set.copyOf(pumpSerials);
    if (deviceId.isBlank()) {
      throw new IllegalArgumentException("deviceId must not be blank");
    }
    if (secret.length() < 16) {
      throw new IllegalArgumentException("secret of device " + deviceId + " is shorter than 16 characters");
    }
  }

  public boolean mayReportFor(String pumpSerial) {
    return pumpSerials.contains(ANY_PUMP) || pumpSerials.contains(pumpSerial);
  }

  @Override
  public String toString() {
    return "Device[deviceId=" + deviceId + ", secret=***, pumps=" + pumpSerials.size() + "]";
  }
}
