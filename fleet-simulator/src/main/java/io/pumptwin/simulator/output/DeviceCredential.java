package io.pumptwin.simulator.output;

/**
 * The credential a simulated pump's home communicator signs its requests with, as provisioned in
 * the telemetry gateway's device file. The secret is never logged.
 */
public record DeviceCredential(String deviceId, String secret) {
  @Override
  public String toString() {
    return "DeviceCredential[deviceId=" + deviceId + ", secret=***]";
  }
}
