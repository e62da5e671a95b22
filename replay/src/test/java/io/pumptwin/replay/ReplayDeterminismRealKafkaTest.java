package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.alerting.stream.AlertClock;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.run.ReplayRun;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.KafkaSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Determinism, against the real broker and registry: a simulated fleet run is recorded live (the
 * simulator writes pump.telemetry.v1; the real {@link TwinEngine} and {@link AlertingService}, as
 * the service runs them, on the LIVE alert clock, write pump.twin.events.v1 and pump.alerts.v1),
 * then replayed in-process from the topic and from an exported file; the replay's twin events and
 * alerts, re-notifications and escalations included, equal production's, one by one, pump by pump,
 * in order, with every lifecycle field (transition, status, severity, risk level, escalation
 * level, event time, alert id).
 */
@RealKafka
@Order(1) // before ReplayStaffCommandsRealKafkaTest, whose fleet runs later in event time on the same topics
class ReplayDeterminismRealKafkaTest {
  private static final Logger log = LoggerFactory.getLogger(ReplayDeterminismRealKafkaTest.class);
  static final Duration WAIT = Duration.ofMinutes(4);

  @TempDir
  Path dir;

  @Test
  void replayingRecordedTelemetryReproducesProductionTwinEventsAndAlertsExactly(RealStack stack) throws Exception {
    String prefix = stack.uniqueId("DET");
    TwinEngineConfig twinConfig = TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dir.resolve("twin-state"))
        .withApplicationId(stack.uniqueId("replay-det-twin")).withQueryServer(0, null);
    AlertingConfig local = AlertingConfig.local(stack.bootstrapServers(), dir, null, null, null);
    AlertingConfig alertingConfig = new AlertingConfig(local.bootstrapServers(), stack.uniqueId("replay-det-alerting"),
        local.stateDir(), local.severityPolicy(), local.escalationPolicy(), local.sweepInterval(),
        local.standbyReplicas(), local.apiHost(), 0, local.access(), local.routing(), local.smtp(),
        local.deliveryRetry(), local.webhookTimeout(), Map.of());
    // Production's clock: the service's default, the one that chases alerts on a quiet partition.
    assertThat(alertingConfig.alertClock()).isEqualTo(AlertClock.LIVE);

    // Record: simulator -> telemetry topic -> twin engine -> twin events -> alerting -> alerts.
    Scenario scenario = SimulatedTelemetry.scenario("missed-refill", 12, 60);
    FleetSimulation simulation = new FleetSimulation(scenario, 8_808);
    try (TwinEngine twin = new TwinEngine(twinConfig).start();
         AlertingService alerting = new AlertingService(alertingConfig, stack.topicRegistry())) {
      alerting.start();
      try (var sink = new SimulatedTelemetry.RenamingSink(prefix, new KafkaSink(stack.topicRegistry(),
          Map.of("bootstrap.servers", stack.bootstrapServers()), false))) {
        simulation.runToEnd(sink);
      }
      await().atMost(WAIT).until(() -> alerting.streamsState() == KafkaStreams.State.RUNNING);
      awaitCommittedToEnd(stack, twinConfig.applicationId(), Topics.TELEMETRY);
      awaitCommittedToEnd(stack, alertingConfig.applicationId(), Topics.TWIN_EVENTS);
    }
    List<TwinEvent> recordedEvents = readAll(stack, Topics.TWIN_EVENTS, prefix);
    // On the LIVE clock production went on meeting deadlines in real time after the last twin
    // event of a partition (the clock ran while the test waited); the replay's input ends there.
    Map<Integer, Instant> inputEnd = new TreeMap<>();
    for (TwinEvent e : recordedEvents) {
      inputEnd.merge(twinPartition(e.getPumpSerial()), e.getEventTime(), (a, b) -> a.isAfter(b) ? a : b);
    }
    List<AlertEvent> recordedAlerts = readAll(stack, Topics.ALERTS, prefix);
    List<AlertEvent> afterInput = recordedAlerts.stream()
        .filter(a -> a.getEventTime().isAfter(inputEnd.get(twinPartition(a.getPumpSerial())))).toList();
    assertThat(afterInput).as("only deadlines are met after a partition's last twin event")
        .allMatch(a -> a.getTransition() == AlertTransition.RENOTIFIED || a.getTransition() == AlertTransition.ESCALATED);
    Map<String, List<String>> productionAlerts = byPump(recordedAlerts.stream()
        .filter(a -> !afterInput.contains(a)).toList(), ReplayDeterminismRealKafkaTest::describe);
    Map<String, List<String>> productionEvents = byPump(recordedEvents, ReplayDeterminismRealKafkaTest::describe);
    long escalations = productionAlerts.values().stream().flatMap(List::stream)
        .filter(ReplayDeterminismRealKafkaTest::deadline).count();
    log.info("figure=determinism_recorded pumps={} twin_events={} alerts={} escalations_and_reminders={} "
            + "deadlines_after_input_end={}", productionEvents.size(), count(productionEvents),
        count(productionAlerts), escalations, afterInput.size());
    assertThat(count(productionEvents)).as("twin events recorded").isGreaterThanOrEqualTo(30);
    assertThat(count(productionAlerts)).as("alerts recorded").isGreaterThanOrEqualTo(30);
    assertThat(escalations).as("deadline transitions (re-notified, escalated) recorded").isPositive();

    // Replay from the topic, read-only, the partitions on three worker threads (more than CI's cores,
    // so workers really interleave).
    ReplayRun.Result fromTopic = replay("--source", "topic", "--bootstrap", stack.bootstrapServers(),
        "--registry", stack.registryUrl(), "--threads", "3", "--out", dir.resolve("from-topic").toString());
    assertSame(productionEvents, productionAlerts, fromTopic, prefix, "replay from the topic");

    // Export, then replay the file without the broker.
    Path file = dir.resolve("telemetry.avro");
    ExportCommand export = new ExportCommand();
    new CommandLine(export).parseArgs("--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(),
        "--out", file.toString());
    long exported = export.export(new PrintStream(System.err));
    assertThat(exported).isEqualTo(fromTopic.read().delivered());
    // ... on the caller's thread alone.
    ReplayRun.Result fromFile = replay("--source", "file:" + file, "--threads", "1", "--out",
        dir.resolve("from-file").toString());
    assertSame(productionEvents, productionAlerts, fromFile, prefix, "replay from the exported file");
  }

  static ReplayRun.Result replay(String... args) {
    ReplayCommand command = new ReplayCommand();
    new CommandLine(command).parseArgs(args);
    return command.run(new PrintStream(System.err));
  }

  static void assertSame(Map<String, List<String>> events, Map<String, List<String>> alerts,
                                 ReplayRun.Result replay, String prefix, String what) {
    Map<String, List<String>> replayedEvents = byPump(replay.baseline().twinEvents().stream()
        .filter(e -> e.getPumpSerial().startsWith(prefix + "-")).toList(), ReplayDeterminismRealKafkaTest::describe);
    Map<String, List<String>> replayedAlerts = byPump(replay.baseline().alerts().stream()
        .filter(a -> a.getPumpSerial().startsWith(prefix + "-")).toList(), ReplayDeterminismRealKafkaTest::describe);
    log.info("figure=determinism_replayed source=\"{}\" records={} rate={} twin_events={} alerts={}", what,
        replay.read().delivered(), Math.round(replay.recordsPerSecond()), count(replayedEvents), count(replayedAlerts));
    assertThat(replayedEvents.keySet()).as(what + ": pumps with twin events").isEqualTo(events.keySet());
    events.forEach((pump, expected) -> assertThat(replayedEvents.get(pump)).as(what + ": twin events of " + pump)
        .containsExactlyElementsOf(expected));
    assertThat(replayedAlerts.keySet()).as(what + ": pumps with alerts").isEqualTo(alerts.keySet());
    // Every alert event, re-notifications and escalations included: deadlines are met in event
    // time, each as its own transition, before the pump's next input, so where production's poll
    // batches and wall-clock ticks fell does not show in its alerts.
    alerts.forEach((pump, expected) -> assertThat(replayedAlerts.get(pump)).as(what + ": alerts of " + pump)
        .containsExactlyElementsOf(expected));
    log.info("figure=determinism_deadlines source=\"{}\" deadline_transitions_compared={}", what,
        replayedAlerts.values().stream().flatMap(List::stream).filter(ReplayDeterminismRealKafkaTest::deadline).count());
  }

  /** The twin-events partition of a pump (the twin's sink partitions by pump serial, as the producer does). */
  static int twinPartition(String pumpSerial) {
    return InProcessPipeline.partitionOf(pumpSerial, Topics.TWIN_EVENTS.partitions());
  }

  /** A re-notification or escalation (the transition, the 3rd field; not the status ESCALATED). */
  static boolean deadline(String alert) {
    String transition = alert.split(" ")[2];
    return transition.equals(AlertTransition.RENOTIFIED.name()) || transition.equals(AlertTransition.ESCALATED.name());
  }

  static String describe(SpecificRecord r) {
    if (r instanceof TwinEvent e) {
      return e.getEventTime() + " " + e.getType() + " " + e.getTransition() + " " + e.getRiskLevel() + " due="
          + e.getDueAt() + " id=" + e.getEventId();
    }
    AlertEvent a = (AlertEvent) r;
    return a.getEventTime() + " " + a.getAlertType() + " " + a.getTransition() + " " + a.getStatus() + " "
        + a.getSeverity() + " " + a.getRiskLevel() + " level=" + a.getEscalationLevel() + " id=" + a.getAlertId()
        + " actor=" + a.getActor();
  }

  static <V extends SpecificRecord> Map<String, List<String>> byPump(List<V> records,
      java.util.function.Function<SpecificRecord, String> describe) {
    return records.stream().collect(Collectors.groupingBy(r -> (String) r.get(r.getSchema().getField("pumpSerial").pos()),
        TreeMap::new, Collectors.mapping(describe, Collectors.toList())));
  }

  static long count(Map<String, List<String>> m) {
    return m.values().stream().mapToLong(List::size).sum();
  }

  /** Everything committed on a topic, in partition order, of this test's pumps. */
  static <V extends SpecificRecord> List<V> readAll(RealStack stack, TopicSpec<V> spec, String prefix) {
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = stack.consumer(spec)) {
      List<TopicPartition> tps = IntStream.range(0, spec.partitions())
          .mapToObj(p -> new TopicPartition(spec.name(), p)).toList();
      consumer.unsubscribe();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("cannot read " + spec.name() + " to its end " + ends);
        }
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.key().startsWith(prefix + "-")) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }

  /** Waits until the application has committed its position at the end of every partition of the topic. */
  static void awaitCommittedToEnd(RealStack stack, String applicationId, TopicSpec<?> spec) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      List<TopicPartition> tps = IntStream.range(0, spec.partitions())
          .mapToObj(p -> new TopicPartition(spec.name(), p)).toList();
      await(applicationId + " caught up with " + spec.name()).atMost(WAIT).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
            var ends = admin.listOffsets(tps.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get();
            return tps.stream().allMatch(tp -> {
              long end = ends.get(tp).offset();
              OffsetAndMetadata c = committed.get(tp);
              return end == 0 || (c != null && c.offset() >= end);
            });
          });
    }
  }
}
