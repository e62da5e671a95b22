package io.pumptwin.replay.source;

import java.util.function.Consumer;

/**
 * Where a replay reads recorded telemetry: the telemetry topic of a cluster, or an exported file.
 * Records of each partition come in offset order; partitions may interleave.
 */
public sealed interface TelemetrySource permits TopicTelemetrySource, FileTelemetrySource {

  /** Partitions of the recorded topic (the replay runs one task per partition, as production). */
  int partitions();

  /** Reads the records in the event-time range; returns what was read and what was skipped. */
  ReadSummary read(TimeRange range, Consumer<RecordedTelemetry> sink, ReadProgress progress);

  String describe();

  /** How far a read has come, as a fraction of the work (0..1), for the progress line. */
  interface ReadProgress {
    void advanced(double fraction);

    static ReadProgress none() {
      return f -> { };
    }
  }

  /**
   * @param delivered records handed to the sink
   * @param outOfRange records outside the event-time range
   * @param undecodable records that could not be decoded (production dead-lettered them too)
   */
  record ReadSummary(long delivered, long outOfRange, long undecodable) {}
}
