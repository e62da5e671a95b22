package io.pumptwin.gateway.ingest;

import java.time.Duration;

/**
 * How much the gateway takes in, per request and in total, before it says 503. Together they bound
 * memory under any load: at most {@code maxInFlightBytes} of request bodies are being stored at once,
 * whatever the number of clients.
 *
 * @param maxBodyBytes largest request body read; beyond it, 413 without reading the rest
 * @param maxEventsPerRequest largest batch; beyond it, 413 (split the batch)
 * @param maxInFlightEvents events accepted for storing and not yet acknowledged by Kafka
 * @param maxInFlightBytes request bytes of those events
 * @param retryAfter what a 503 tells the client to wait before retrying
 */
public record IngestLimits(
    int maxBodyBytes,
    int maxEventsPerRequest,
    int maxInFlightEvents,
    long maxInFlightBytes,
    Duration retryAfter) {

  public IngestLimits {
    if (maxBodyBytes < 1024 || maxEventsPerRequest < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1024 and maxEventsPerRequest >= 1");
    }
    if (maxInFlightBytes < maxBodyBytes || maxInFlightEvents < maxEventsPerRequest) {
      throw new IllegalArgumentException("in-flight limits must admit at least one full request");
    }
  }

  /** 1 MiB and 500 events: a communicator's multi-day backlog fits in a few requests. */
  public static IngestLimits defaults() {
    return new IngestLimits(1 << 20, 500, 20_000, 16L << 20, Duration.ofSeconds(2));
  }

  public long retryAfterSeconds() {
    return Math.max(1, retryAfter.toSeconds());
  }
}
