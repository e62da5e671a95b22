package io.pumptwin.replay.source;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a replay reads recorded telemetry and staff commands: the telemetry and command topics of a
 * cluster, or an exported file. Telemetry records of each partition come in offset order;
 * partitions may interleave. Commands are few and read first, whole (the replay must know them
 * before it feeds telemetry: see {@code InProcessPipeline}).
 */
public sealed interface TelemetrySource permits TopicTelemetrySource, FileTelemetrySource {

  /** Partitions of the recorded topic (the replay runs one task per partition, as production). */
  int partitions();

  /**
   * The staff commands whose {@link RecordedCommand#orderedAt()} falls in the range, each with the
   * time production's alerting applied it when that left a trace; in no particular order.
   */
  List<RecordedCommand> commands(TimeRange range);

  /**
   * False for a source that cannot hold commands (an export file of format 1): its replay shows
   * alerts as if nobody had acted on them, and says so.
   */
  default boolean carriesCommands() {
    return true;
  }

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
