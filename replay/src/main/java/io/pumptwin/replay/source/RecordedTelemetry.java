package io.pumptwin.replay.source;

import io.pumptwin.events.TelemetryEnvelope;
import java.util.Objects;

/**
 * One telemetry record as the topic held it: where (partition, offset), its record timestamp,
 * and the decoded envelope. Partition and offset are what a replay needs to reproduce production
 * exactly (each partition is a task with its own stream time).
 */
public record RecordedTelemetry(int partition, long offset, long timestamp, TelemetryEnvelope envelope) {
  public RecordedTelemetry {
    Objects.requireNonNull(envelope, "envelope");
  }
}
