package io.pumptwin.schemas.topics;

import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.ModelParameterSet;
import io.pumptwin.events.NotificationRecord;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import java.time.Duration;
import java.util.List;

/**
 * Every topic of PumpTwin, named once. Names carry a version suffix: an incompatible change gets a
 * new topic, never a silent rewrite of an old one (DESIGN.md, "Topics").
 */
public final class Topics {
  /** Partitions per topic by default; more engine instances split these. */
  public static final int DEFAULT_PARTITIONS = 6;

  private static final Duration FOREVER = Duration.ofMillis(-1);

  /** Raw pump telemetry; long retention because analysts replay it (DESIGN.md). */
  public static final TopicSpec<TelemetryEnvelope> TELEMETRY =
      new TopicSpec<>("pump.telemetry.v1", TelemetryEnvelope.class, DEFAULT_PARTITIONS,
          TopicSpec.retention(FOREVER), "pump telemetry, the analysts' replay source");

  /** Refused input with reason and raw bytes: nothing is dropped silently. */
  public static final TopicSpec<DeadLetter> TELEMETRY_DLQ =
      new TopicSpec<>("pump.telemetry.dlq.v1", DeadLetter.class, DEFAULT_PARTITIONS,
          TopicSpec.retention(Duration.ofDays(90)), "rejected input with reason and raw bytes");

  /** Latest twin per pump. */
  public static final TopicSpec<TwinState> TWIN_STATE =
      new TopicSpec<>("pump.twin.state.v1", TwinState.class, DEFAULT_PARTITIONS,
          TopicSpec.compacted(Duration.ofMinutes(10)), "latest twin per pump (compacted)");

  /**
   * The values of each model parameter set, keyed by the digest every twin state names (Provenance.parametersDigest);
   * written by the engine when it starts processing, once per task. One partition: a handful of small records.
   */
  public static final TopicSpec<ModelParameterSet> TWIN_PARAMETERS =
      new TopicSpec<>("pump.twin.parameters.v1", ModelParameterSet.class, 1,
          TopicSpec.compacted(Duration.ofMinutes(10)), "twin model parameter sets by digest (compacted)");

  public static final TopicSpec<TwinEvent> TWIN_EVENTS =
      new TopicSpec<>("pump.twin.events.v1", TwinEvent.class, DEFAULT_PARTITIONS,
          TopicSpec.retention(Duration.ofDays(365)), "threshold crossings and relayed critical alarms");

  public static final TopicSpec<AlertEvent> ALERTS =
      new TopicSpec<>("pump.alerts.v1", AlertEvent.class, DEFAULT_PARTITIONS,
          TopicSpec.retention(Duration.ofDays(365)), "alert lifecycle events for dashboards");

  public static final TopicSpec<AlertCommand> ALERT_COMMANDS =
      new TopicSpec<>("pump.alert.commands.v1", AlertCommand.class, DEFAULT_PARTITIONS,
          TopicSpec.retention(Duration.ofDays(365)), "acknowledge, silence, resolve");

  /** Audit trail of every delivery attempt. */
  public static final TopicSpec<NotificationRecord> NOTIFICATIONS =
      new TopicSpec<>("pump.notifications.v1", NotificationRecord.class, DEFAULT_PARTITIONS,
          TopicSpec.retention(Duration.ofDays(365)), "notification attempts and outcomes");

  /** The simulator's truth; for evaluation only, never read by the services. */
  public static final TopicSpec<GroundTruth> GROUND_TRUTH =
      new TopicSpec<>("sim.ground-truth.v1", GroundTruth.class, DEFAULT_PARTITIONS,
          TopicSpec.retention(Duration.ofDays(30)), "simulator ground truth");

  public static final List<TopicSpec<?>> ALL = List.of(
      TELEMETRY, TELEMETRY_DLQ, TWIN_STATE, TWIN_PARAMETERS, TWIN_EVENTS, ALERTS, ALERT_COMMANDS, NOTIFICATIONS,
      GROUND_TRUTH);

  private Topics() {}
}
