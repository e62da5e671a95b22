package io.pumptwin.gateway.ingest;

import java.time.Duration;
import java.util.Map;

/**
 * The producer's time bounds: they decide how fast a request fails (503) when the broker is away.
 *
 * @param deliveryTimeout upper bound on reporting a send's outcome, retries included; a device waits
 *     at most about this long for a 503 when the broker is down
 * @param requestTimeout one produce request; must leave room for a retry inside deliveryTimeout
 * @param maxBlock how long {@code send()} may block on metadata or a full buffer
 * @param linger batching delay; small, because a device waits for the acknowledgement
 * @param overrides any further producer properties (security, compression...); they cannot turn off
 *     acks=all or idempotence
 */
public record ProducerSettings(
    Duration deliveryTimeout, Duration requestTimeout, Duration maxBlock, Duration linger,
    Map<String, String> overrides) {

  public ProducerSettings {
    overrides = Map.copyOf(overrides);
    if (deliveryTimeout.compareTo(requestTimeout.plus(linger)) < 0) {
      throw new IllegalArgumentException(
          "deliveryTimeout must be >= requestTimeout + linger (a Kafka producer rule)");
    }
  }

  public static ProducerSettings defaults() {
    return new ProducerSettings(Duration.ofSeconds(10), Duration.ofSeconds(4),
        Duration.ofSeconds(2), Duration.ofMillis(5), Map.of());
  }
}
