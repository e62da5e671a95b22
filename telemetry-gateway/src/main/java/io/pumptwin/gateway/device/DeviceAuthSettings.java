package io.pumptwin.gateway.device;

import java.time.Duration;

/**
 * @param timestampWindow how far a request's signed timestamp may be from the gateway clock, either
 *     way; also how long a signature is remembered against replay
 * @param replayCacheEntries signatures remembered at most; when the window holds more than this,
 *     requests get 503 rather than the gateway forgetting signatures that could still be replayed
 */
public record DeviceAuthSettings(Duration timestampWindow, int replayCacheEntries) {
  public DeviceAuthSettings {
    if (timestampWindow.isNegative() || timestampWindow.isZero()) {
      throw new IllegalArgumentException("timestampWindow must be positive");
    }
    if (replayCacheEntries < 1) {
      throw new IllegalArgumentException("replayCacheEntries must be >= 1");
    }
  }

  public static DeviceAuthSettings defaults() {
    return new DeviceAuthSettings(Duration.ofMinutes(5), 500_000);
  }
}
