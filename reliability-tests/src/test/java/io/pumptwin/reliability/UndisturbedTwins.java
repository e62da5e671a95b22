package io.pumptwin.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The twins and twin events an undisturbed engine makes of the telemetry a disturbed run stored: the
 * records are sent again, slot by slot and partition by partition, to private topics on the same
 * cluster, and a second application of the engine reads them.
 */
record UndisturbedTwins(JsonNode fleet, List<String> twinEvents) {
  private static final Map<String, String> KEEP = Map.of("retention.ms", "-1");

  /** Creates a topic on the cluster under test: name, partitions, configs; returns the name. */
  interface TopicMaker {
    String create(String name, int partitions, Map<String, String> configs) throws Exception;
  }

  static UndisturbedTwins of(String bootstrap, String registryUrl, TopicRegistry topics, TopicMaker maker,
      List<ConsumerRecord<String, TelemetryEnvelope>> stored, String appId, Path stateDir) throws Exception {
    TwinEngineConfig.TwinTopicNames names = new TwinEngineConfig.TwinTopicNames(
        maker.create(appId + "-telemetry", Topics.TELEMETRY.partitions(), KEEP),
        maker.create(appId + "-twin-state", Topics.TWIN_STATE.partitions(), Map.of("cleanup.policy", "compact")),
        maker.create(appId + "-twin-events", Topics.TWIN_EVENTS.partitions(), KEEP),
        maker.create(appId + "-twin-dlq", Topics.TELEMETRY_DLQ.partitions(), KEEP));
    try (TwinEngine engine = new TwinEngine(TwinEngineProcess.config(bootstrap, registryUrl, stateDir, appId, 0)
        .withTopics(names)).start()) {
      Awaiting.until("undisturbed engine running", Duration.ofSeconds(180), () -> TwinQuery.ready(engine.port()));
      Replay.paced(topics, bootstrap, names.telemetry(), stored, Duration.ofMillis(300));
      var replayed = TopicContents.readAll(bootstrap, names.telemetry(),
          topics.topic(Topics.TELEMETRY).valueSerde().deserializer());
      Awaiting.until("undisturbed engine processed all telemetry", Duration.ofSeconds(300),
          () -> TopicContents.processedAll(bootstrap, appId, names.telemetry(), replayed));
      return new UndisturbedTwins(TwinQuery.fleet(engine.port()), eventIds(bootstrap, topics, names.twinEvents()));
    }
  }

  static List<String> eventIds(String bootstrap, TopicRegistry topics, String topic) {
    return TopicContents.readAll(bootstrap, topic, topics.topic(Topics.TWIN_EVENTS).valueSerde().deserializer())
        .stream().map(r -> r.value().getEventId()).toList();
  }

  /**
   * Records the figures every twin-level fault test reports and checks them: nothing the gateway
   * acknowledged missing from the topic, no 5xx but declared back-pressure, twins and twin events
   * equal to this undisturbed run's.
   */
  void compare(FaultReport report, SyntheticFleet input, DeviceLoad load,
      List<ConsumerRecord<String, TelemetryEnvelope>> stored, JsonNode twins, List<String> events) {
    List<String> storedIds = stored.stream().map(r -> r.value().getEventId()).toList();
    Set<String> onTopic = new HashSet<>(storedIds);
    long lost = load.acknowledged().stream().filter(id -> !onTopic.contains(id)).count();
    report.figure("telemetry events sent", input.all().size());
    report.figure("telemetry events acknowledged (202)", load.acknowledged().size());
    report.figure("gateway answers by status", load.statuses());
    report.figure("connection failures seen by devices", load.transportFailures());
    report.figure("acknowledged telemetry lost", lost);
    report.figure("telemetry duplicated on the topic", Multisets.repeats(storedIds));
    report.figure("twins compared", twins.path("count").asInt());
    report.figure("twin events (undisturbed run)", twinEvents.size());
    report.figure("twin events lost", Multisets.lost(twinEvents, events));
    report.figure("twin events duplicated", Multisets.duplicated(twinEvents, events));

    report.checked("every 5xx the gateway answered is declared back-pressure (503 with Retry-After)");
    assertThat(load.undeclared5xx()).isEmpty();
    report.checked("every event sent was finally acknowledged, and every acknowledged event is on "
        + "pump.telemetry.v1 exactly once");
    assertThat(load.acknowledged()).hasSize(input.all().size());
    assertThat(lost).isZero();
    assertThat(storedIds).doesNotHaveDuplicates();
    report.checked("twins (query API, every pump) equal those of the undisturbed run");
    assertThat(twins.path("count").asInt()).isEqualTo(input.pumps());
    assertThat(twins).isEqualTo(fleet);
    report.checked("twin events: the multiset of event ids equals the undisturbed run's (read_committed)");
    assertThat(twinEvents).isNotEmpty();
    assertThat(Multisets.count(events)).isEqualTo(Multisets.count(twinEvents));
  }
}
