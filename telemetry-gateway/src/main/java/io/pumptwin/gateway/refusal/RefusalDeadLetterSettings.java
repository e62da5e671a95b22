package io.pumptwin.gateway.refusal;

import java.time.Duration;

/**
 * How refusals at the door (401, 413: before or without a trusted device) reach the dead-letter
 * topic without letting anonymous traffic fill it.
 *
 * @param payloadBytes at most this many bytes of a refused body are stored (the rest is never
 *     stored; for a body over the size limit, never read)
 * @param perAddressPerSecond individual dead letters per remote address per second, sustained
 * @param perAddressBurst individual dead letters a remote address may cause at once
 * @param totalPerSecond individual dead letters per second over all addresses (many addresses at
 *     once must not add up to a flood either)
 * @param totalBurst individual dead letters at once over all addresses
 * @param summaryInterval how often the refusals counted instead of written are summarised, one
 *     record per address
 * @param maxAddresses remote addresses tracked at once; beyond them, new addresses share one
 *     entry, so memory stays bounded whatever the number of senders
 * @param maxPendingWrites dead letters queued for the producer at once; a refusal beyond that is
 *     counted into its address's summary instead of written alone
 */
public record RefusalDeadLetterSettings(
    int payloadBytes,
    double perAddressPerSecond,
    int perAddressBurst,
    double totalPerSecond,
    int totalBurst,
    Duration summaryInterval,
    int maxAddresses,
    int maxPendingWrites) {

  public RefusalDeadLetterSettings {
    if (payloadBytes < 0) {
      throw new IllegalArgumentException("payloadBytes must be >= 0");
    }
    if (perAddressPerSecond <= 0 || totalPerSecond <= 0 || perAddressBurst < 1 || totalBurst < 1) {
      throw new IllegalArgumentException("rates must be positive and bursts >= 1");
    }
    if (summaryInterval.isNegative() || summaryInterval.isZero()) {
      throw new IllegalArgumentException("summaryInterval must be positive");
    }
    if (maxAddresses < 1 || maxPendingWrites < 1) {
      throw new IllegalArgumentException("maxAddresses and maxPendingWrites must be >= 1");
    }
  }

  /**
   * 4 KiB of body is enough to recognise what a device sent (a status report is about 400 bytes);
   * 20/s with a burst of 100 per address lets a misconfigured communicator's retries through one by
   * one while a flood from one address costs one summary record per interval.
   */
  public static RefusalDeadLetterSettings defaults() {
    return new RefusalDeadLetterSettings(4096, 20, 100, 200, 1000, Duration.ofSeconds(5), 10_000, 1000);
  }

  public RefusalDeadLetterSettings withPayloadBytes(int bytes) {
    return new RefusalDeadLetterSettings(bytes, perAddressPerSecond, perAddressBurst, totalPerSecond,
        totalBurst, summaryInterval, maxAddresses, maxPendingWrites);
  }

  public RefusalDeadLetterSettings withPerAddressRate(double perSecond, int burst) {
    return new RefusalDeadLetterSettings(payloadBytes, perSecond, burst, totalPerSecond, totalBurst,
        summaryInterval, maxAddresses, maxPendingWrites);
  }

  public RefusalDeadLetterSettings withTotalRate(double perSecond, int burst) {
    return new RefusalDeadLetterSettings(payloadBytes, perAddressPerSecond, perAddressBurst, perSecond,
        burst, summaryInterval, maxAddresses, maxPendingWrites);
  }

  public RefusalDeadLetterSettings withSummaryInterval(Duration interval) {
    return new RefusalDeadLetterSettings(payloadBytes, perAddressPerSecond, perAddressBurst,
        totalPerSecond, totalBurst, interval, maxAddresses, maxPendingWrites);
  }

  public RefusalDeadLetterSettings withMaxAddresses(int addresses) {
    return new RefusalDeadLetterSettings(payloadBytes, perAddressPerSecond, perAddressBurst,
        totalPerSecond, totalBurst, summaryInterval, addresses, maxPendingWrites);
  }
}
