package io.pumptwin.gateway.device;

import io.pumptwin.schemas.device.RequestSignature;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides who sent a request. Cheap checks first (headers, timestamp window), then the HMAC, and
 * only a request with a valid signature is entered in the replay cache, so forgeries cannot fill it.
 */
public final class DeviceAuthenticator {
  private final DeviceDirectory directory;
  private final DeviceAuthSettings settings;
  private final ReplayCache replays;

  public DeviceAuthenticator(DeviceDirectory directory, DeviceAuthSettings settings) {
    this.directory = directory;
    this.settings = settings;
    this.replays = new ReplayCache(settings.replayCacheEntries());
  }

  public sealed interface Verdict {
    record Authenticated(Device device) implements Verdict {}

    /** Refused; {@code detail} is safe to return to the client, and never contains a secret. */
    record Refused(Failure failure, String detail) implements Verdict {}
  }

  /** Why a request was refused; low cardinality, used as a metric tag. */
  public enum Failure {
    MISSING_CREDENTIALS,
    BAD_TIMESTAMP,
    UNKNOWN_DEVICE,
    BAD_SIGNATURE,
    REPLAYED,
    /** Not the client's fault: too many signatures in the window to remember (503, not 401). */
    REPLAY_CACHE_FULL
  }

  public Verdict authenticate(String deviceId, String timestamp, String signature, byte[] body,
      Instant now) {
    if (isBlank(deviceId) || isBlank(timestamp) || isBlank(signature)) {
      return new Verdict.Refused(Failure.MISSING_CREDENTIALS, "headers "
          + RequestSignature.DEVICE_HEADER + ", " + RequestSignature.TIMESTAMP_HEADER + " and "
          + RequestSignature.SIGNATURE_HEADER + " are required");
    }
    Instant signedAt;
    try {
      signedAt = Instant.ofEpochMilli(Long.parseLong(timestamp.trim()));
    } catch (NumberFormatException e) {
      return new Verdict.Refused(Failure.BAD_TIMESTAMP,
          RequestSignature.TIMESTAMP_HEADER + " must be Unix epoch milliseconds");
    }
    Duration skew = Duration.between(now, signedAt).abs();
    if (skew.compareTo(settings.timestampWindow()) > 0) {
      return new Verdict.Refused(Failure.BAD_TIMESTAMP, RequestSignature.TIMESTAMP_HEADER
          + " is " + skew.toSeconds() + " s away from the gateway clock; at most "
          + settings.timestampWindow().toSeconds() + " s is accepted (check the device clock)");
    }
    Optional<Device> device = directory.find(deviceId);
    // Unknown device and wrong signature get the same answer: the client learns nothing about
    // which device ids exist.
    if (device.isEmpty()) {
      return new Verdict.Refused(Failure.UNKNOWN_DEVICE, "signature does not verify");
    }
    if (!RequestSignature.verify(device.get().secret(), timestamp, body, signature)) {
      return new Verdict.Refused(Failure.BAD_SIGNATURE, "signature does not verify");
    }
    Instant forgetAfter = signedAt.plus(settings.timestampWindow());
    switch (replays.admit(deviceId + ":" + signature.trim().toLowerCase(java.util.Locale.ROOT), forgetAfter, now)) {
      case REPLAYED:
        return new Verdict.Refused(Failure.REPLAYED, "this signed request was already received;"
            + " a retry must be signed again with a new timestamp");
      case FULL:
        return new Verdict.Refused(Failure.REPLAY_CACHE_FULL, "too many requests in the window");
      default:
        return new Verdict.Authenticated(device.get());
    }
  }

  public int rememberedSignatures() {
    return replays.size();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
