package io.pumptwin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.InMemorySink;
import io.pumptwin.simulator.output.KafkaSink;
import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on the real broker and registry, driven by simulator scenarios (issue 6,
 * "Simulator scenarios end to end"): simulated pumps write {@code pump.telemetry.v1}; the real
 * {@link TwinEngine} turns it into {@code pump.twin.events.v1}; the real {@link AlertingService}
 * turns those into {@code pump.alerts.v1}, read here with read_committed as a dashboard would; an
 * on-call user acknowledges through the alerting HTTP API.
 *
 * <p>Time is event time throughout: the simulator backfills weeks in seconds, so the test never
 * waits for simulated time, only (with deadlines) for the engines to process what was written.
 *
 * <p>The broker is shared with the other test classes of this module, which write to the same
 * topics. Simulated serials ({@code SIM0000000}...) depend on the pump's index only, not on the
 * seed, so they would clash with other simulations (SimulatedFleetThroughGatewayTest): each test
 * renames its pumps with a prefix of its own before anything is written, and reads only those.
 * Other tests' records carry wall-clock timestamps (November 2026) that would move the alerting
 * application's stream time past the simulated months and freeze its escalation deadlines, so
 * the alerting application starts at the end of its input topics, and {@link #barrier} proves on
 * every partition that it has read up to a given point.
 */
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// Last in the module (junit-platform.properties): its volume of records on the shared topics would
// push other classes' records out of the first poll those classes read.
@Order(Integer.MAX_VALUE)
class FullPipelineScenarioTest {
  private static final Logger log = LoggerFactory.getLogger(FullPipelineScenarioTest.class);
  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final String ON_CALL_TOKEN = "on-call-" + UUID.randomUUID();

  private RealStack stack;
  private Path dir;
  private TwinEngineConfig twinConfig;
  private TwinEngine twin;
  private AlertingConfig alertingConfig;
  private AlertingService alerting;
  private AlertLog alerts;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void startTwinEngineAndAlerting(RealStack stack) throws Exception {
    this.stack = stack;
    dir = Files.createTempDirectory("full-pipeline-");
    twinConfig = TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dir.resolve("twin-state"))
        .withApplicationId(stack.uniqueId("pipeline-twin"))
        .withQueryServer(0, null);
    twin = new TwinEngine(twinConfig).start();
    // Telemetry other test classes left on the topic is worked off before alerting starts, so
    // the twin events it causes stay behind the alerting application's starting point.
    awaitTwinCaughtUp();

    Path tokens = dir.resolve("tokens.yaml");
    String clinics = IntStream.rangeClosed(1, 20).mapToObj(i -> String.format("clinic-%03d", i))
        .collect(Collectors.joining(", "));
    Files.writeString(tokens, "tokens:\n"
        + "  - sha256: " + ApiAccess.sha256(ON_CALL_TOKEN) + "\n"
        + "    userId: staff-0901\n"
        + "    role: ON_CALL\n"
        + "    clinics: [" + clinics + "]\n");
    AlertingConfig local = AlertingConfig.local(stack.bootstrapServers(), dir, tokens, null, null);
    alertingConfig = new AlertingConfig(local.bootstrapServers(),
        stack.uniqueId("pipeline-alerting"), local.stateDir(), local.severityPolicy(),
        local.escalationPolicy(), local.sweepInterval(), local.standbyReplicas(), local.apiHost(), 0,
        local.access(), local.routing(), local.smtp(), local.deliveryRetry(),
        local.webhookTimeout(), Map.of("auto.offset.reset", "latest"));
    alerting = new AlertingService(alertingConfig, stack.topicRegistry());
    alerting.start();
    alerts = new AlertLog(stack.consumer(Topics.ALERTS));
    await().atMost(WAIT).until(() -> alerting.streamsState() == KafkaStreams.State.RUNNING);
    barrier(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @AfterAll
  void stop() {
    if (alerts != null) {
      alerts.close();
    }
    if (alerting != null) {
      alerting.close();
    }
    if (twin != null) {
      twin.close();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Missed refill

  @Test
  void missedRefillRaisesRefillDueAtTheLeadTimeThenTheLouderAlertAndTheRefillResolvesThem() {
    Scenario scenario = new ScenarioLoader().load("missed-refill").withOverrides(30, 60.0);
    String prefix = stack.uniqueId("MR");
    long seed = 6_061;
    Truth truth = Truth.of(scenario, seed, prefix);
    Instant end = runIntoKafka(scenario, seed, prefix, null);
    awaitTwinCaughtUp();
    barrier(end);
    List<AlertEvent> mine = alerts.ofPrefix(prefix);
    assertExactlyOnce(mine);

    Instant start = scenario.startInstant();
    Duration leadTime = twinConfig.model().reservoir().clinicLeadTime();
    Duration notice = twinConfig.model().refillDueNotice();
    double lowReservoirMl = scenario.pumps().lowReservoirAlarmMl();
    // Pumps whose reservoir truly reaches the alarm volume late enough to be warned a lead time ahead.
    List<String> missed = truth.pumps().stream()
        .filter(p -> truth.faultStart(p, TrueFaultKind.MISSED_REFILL).isPresent())
        .filter(p -> truth.trueVolumeAtOrBelow(p, lowReservoirMl, start)
            .filter(lra -> !lra.isBefore(start.plus(leadTime))).isPresent())
        .toList();
    assertThat(missed).as("pumps of the scenario that miss a refill").hasSizeGreaterThanOrEqualTo(3);

    for (String pump : missed) {
      Instant missedVisit = truth.faultStart(pump, TrueFaultKind.MISSED_REFILL).orElseThrow();
      Instant lowReservoir = truth.trueVolumeAtOrBelow(pump, lowReservoirMl, start).orElseThrow();
      Instant empty = truth.faultStart(pump, TrueFaultKind.RESERVOIR_EMPTY).orElseThrow();
      Instant refill = truth.refillAfter(pump, missedVisit).orElseThrow();
      List<AlertEvent> history = mine.stream().filter(e -> e.getPumpSerial().equals(pump)).toList();

      // The refill-due alert: out at least the clinic lead time before the reservoir truly reaches
      // the low-reservoir alarm volume.
      AlertEvent due = first(history, AlertType.REFILL_DUE, AlertTransition.OPENED, Instant.MIN);
      assertThat(due.getEventTime()).as(pump + " refill-due alert, true LRA at " + lowReservoir)
          .isBeforeOrEqualTo(lowReservoir.minus(leadTime));
      // The louder one: REFILL_URGENT, of higher severity, not before the refill-due alert and
      // before the reservoir is truly empty.
      AlertEvent urgent = first(history, AlertType.REFILL_URGENT, AlertTransition.OPENED, Instant.MIN);
      assertThat(urgent.getSeverity()).isGreaterThan(due.getSeverity());
      assertThat(urgent.getEventTime()).as(pump + " urgent refill alert")
          .isAfterOrEqualTo(due.getEventTime()).isBefore(empty);
      // Withdrawal risk while the reservoir is empty.
      AlertEvent underdose = first(history, AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertTransition.OPENED,
          Instant.MIN);
      assertThat(underdose.getEventTime()).as(pump + " underdose alert").isBefore(refill);
      // The emergency refill: the twin clears the refill alerts at the refill itself and the
      // withdrawal risk once delivery is seen again; each alert closes with RESOLVED.
      for (AlertType type : List.of(AlertType.REFILL_DUE, AlertType.REFILL_URGENT)) {
        AlertEvent opened = first(history, type, AlertTransition.OPENED, Instant.MIN);
        AlertEvent resolved = last(history, opened.getAlertId());
        assertThat(resolved.getTransition()).as(pump + " " + type).isEqualTo(AlertTransition.RESOLVED);
        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.getEventTime()).as(pump + " " + type + " resolved at the refill")
            .isEqualTo(refill);
      }
      AlertEvent underdoseEnd = last(history, underdose.getAlertId());
      assertThat(underdoseEnd.getTransition()).as(pump + " underdose alert closed")
          .isEqualTo(AlertTransition.RESOLVED);
      assertThat(underdoseEnd.getEventTime()).isAfterOrEqualTo(refill);

      log.info("figure=missed_refill pump={} missed_visit={} true_lra={} true_empty={} refill={} "
              + "refill_due_lead_days={} refill_urgent_before_empty_h={} underdose_after_empty_h={} "
              + "underdose_resolved_after_refill_h={}", pump, missedVisit, lowReservoir, empty, refill,
          days(due.getEventTime(), lowReservoir), hours(urgent.getEventTime(), empty),
          hours(empty, underdose.getEventTime()), hours(refill, underdoseEnd.getEventTime()));
    }

    // Refill cycles the twin saw begin (after the pump's first refill in telemetry; before it the
    // twin counts the notice from the expected low-reservoir date, ReservoirProjection.refillNoticeFrom):
    // the refill-due alert comes the configured notice before the refill-due date (early edge of the
    // low-reservoir band less the clinic lead time), within one status report; the louder one only
    // after it.
    List<AlertEvent> seenFills = mine.stream().filter(e -> e.getAlertType() == AlertType.REFILL_DUE
        && e.getTransition() == AlertTransition.OPENED
        && truth.refillAfter(e.getPumpSerial(), start.minusSeconds(1))
            .filter(firstFill -> e.getEventTime().isAfter(firstFill)).isPresent()).toList();
    assertThat(seenFills).hasSizeGreaterThanOrEqualTo(5);
    Duration cadence = Duration.ofMinutes(scenario.statusCadenceMinutes());
    for (AlertEvent opened : seenFills) {
      Instant noticeFrom = opened.getDueAt().minus(notice);
      assertThat(opened.getEventTime()).as(opened.getAlertId())
          .isAfterOrEqualTo(noticeFrom).isBefore(noticeFrom.plus(cadence));
      mine.stream().filter(e -> e.getPumpSerial().equals(opened.getPumpSerial())
              && e.getAlertType() == AlertType.REFILL_URGENT && e.getTransition() == AlertTransition.OPENED
              && e.getEventTime().isAfter(opened.getEventTime()))
          .findFirst().ifPresent(u -> assertThat(u.getSeverity()).isGreaterThan(opened.getSeverity()));
    }
    log.info("figure=refill_due_notice alerts={} notice_days={} lead_days={}", seenFills.size(),
        notice.toDays(), leadTime.toDays());
  }

  // ------------------------------------------------------------------------------------------
  // Stopped high-dose pump, acknowledgement

  @Test
  void stoppedHighDosePumpRaisesAnUrgentWithdrawalAlertAndAcknowledgingStopsItsEscalation()
      throws Exception {
    Scenario scenario = startingAt(loadScenario("high-dose-motor-stall"), "2026-06-01T00:00:00Z");
    String prefix = stack.uniqueId("HD");
    long seed = 7_072;
    Truth truth = Truth.of(scenario, seed, prefix);
    List<String> stalled = truth.pumps().stream()
        .filter(p -> truth.faultStart(p, TrueFaultKind.MOTOR_STALL).isPresent())
        .sorted(Comparator.comparing(p -> truth.faultStart(p, TrueFaultKind.MOTOR_STALL).get()))
        .toList();
    // The one to acknowledge: still reporting well after the stall (not yet replaced).
    String acknowledged = stalled.stream().filter(p -> truth.lastTelemetry(p).isAfter(
            truth.faultStart(p, TrueFaultKind.MOTOR_STALL).get().plus(Duration.ofHours(30))))
        .findFirst().orElseThrow();
    assertThat(stalled).as("stalled pumps besides the acknowledged one").hasSizeGreaterThanOrEqualTo(3);
    Instant pauseAt = truth.faultStart(acknowledged, TrueFaultKind.MOTOR_STALL).get()
        .plus(Duration.ofHours(24));

    Instant end = runIntoKafka(scenario, seed, prefix, new Pause(pauseAt, () -> {
      // Simulated time stands still here: the on-call user acknowledges the urgent alert.
      AlertEvent critical = alerts.await(acknowledged + " CRITICAL withdrawal-risk alert",
          e -> e.getPumpSerial().equals(acknowledged)
              && e.getAlertType() == AlertType.UNDERDOSE_WITHDRAWAL_RISK
              && e.getSeverity() == Severity.CRITICAL);
      assertThat(acknowledge(acknowledged, AlertType.UNDERDOSE_WITHDRAWAL_RISK)).isEqualTo(202);
      alerts.await(acknowledged + " acknowledged", e -> e.getAlertId().equals(critical.getAlertId())
          && e.getTransition() == AlertTransition.ACKNOWLEDGED);
    }));
    awaitTwinCaughtUp();
    barrier(end);
    List<AlertEvent> mine = alerts.ofPrefix(prefix);
    assertExactlyOnce(mine);

    // Every stopped pump (600-2000 mcg/day) gets the top of the scale: CRITICAL, URGENT risk. With the
    // default risk model a certain stop at 600 mcg/day grades URGENT after 18 h (RiskModelParameters).
    for (String pump : stalled) {
      Instant stall = truth.faultStart(pump, TrueFaultKind.MOTOR_STALL).orElseThrow();
      List<AlertEvent> history = mine.stream().filter(e -> e.getPumpSerial().equals(pump)).toList();
      AlertEvent opened = first(history, AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertTransition.OPENED,
          stall);
      AlertEvent critical = history.stream()
          .filter(e -> e.getAlertId().equals(opened.getAlertId()) && e.getSeverity() == Severity.CRITICAL)
          .findFirst().orElseThrow(() -> new AssertionError(pump + " never CRITICAL: " + history));
      assertThat(critical.getRiskLevel()).isEqualTo(RiskLevel.URGENT);
      assertThat(critical.getTwinValues().get("doseMcgPerDay"))
          .isGreaterThanOrEqualTo(alertingSeverityHighDose());
      assertThat(critical.getEventTime()).as(pump + " CRITICAL within a day of the stall")
          .isBetween(stall, stall.plus(Duration.ofHours(24)));
      log.info("figure=stopped_high_dose pump={} dose={} stall={} underdose_opened_after_h={} "
              + "opened_severity={} critical_after_h={}", pump, critical.getTwinValues().get("doseMcgPerDay"),
          stall, hours(stall, opened.getEventTime()), opened.getSeverity(),
          hours(stall, critical.getEventTime()));
    }

    // Acknowledging stops escalation: after ACKNOWLEDGED the alert is neither re-notified nor
    // escalated, though stream time went on past its deadlines (the same pump's unacknowledged
    // critical-alarm alert, on the same partition, kept being re-notified), until it is closed.
    List<AlertEvent> acked = mine.stream().filter(e -> e.getPumpSerial().equals(acknowledged)
        && e.getAlertType() == AlertType.UNDERDOSE_WITHDRAWAL_RISK).toList();
    int ackAt = IntStream.range(0, acked.size())
        .filter(i -> acked.get(i).getTransition() == AlertTransition.ACKNOWLEDGED).findFirst().orElseThrow();
    AlertEvent ack = acked.get(ackAt);
    assertThat(ack.getActor()).isEqualTo("staff-0901");
    assertThat(acked.subList(0, ackAt)).as("escalated before anyone acknowledged")
        .anyMatch(e -> e.getTransition() == AlertTransition.ESCALATED);
    List<AlertEvent> afterAck = acked.subList(ackAt + 1, acked.size()).stream()
        .filter(e -> e.getAlertId().equals(ack.getAlertId())).toList();
    assertThat(afterAck).as("transitions after the acknowledgement").noneMatch(e ->
        e.getTransition() == AlertTransition.ESCALATED || e.getTransition() == AlertTransition.RENOTIFIED);
    assertThat(afterAck).allMatch(e -> e.getStatus() == AlertStatus.ACKNOWLEDGED
        || e.getStatus() == AlertStatus.RESOLVED);
    List<AlertEvent> all = mine.stream().filter(e -> e.getPumpSerial().equals(acknowledged)).toList();
    int ackIndex = all.indexOf(ack);
    assertThat(all.subList(ackIndex + 1, all.size())).as("the same pump's unacknowledged alerts")
        .anyMatch(e -> e.getAlertType() == AlertType.PUMP_CRITICAL_ALARM
            && e.getTransition() == AlertTransition.RENOTIFIED);
    // Nobody acknowledged the others: their CRITICAL withdrawal alerts were escalated.
    for (String pump : stalled.stream().filter(p -> !p.equals(acknowledged)).toList()) {
      assertThat(mine).as(pump + " escalated").anyMatch(e -> e.getPumpSerial().equals(pump)
          && e.getAlertType() == AlertType.UNDERDOSE_WITHDRAWAL_RISK && e.getSeverity() == Severity.CRITICAL
          && (e.getTransition() == AlertTransition.ESCALATED || e.getTransition() == AlertTransition.RENOTIFIED));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Assertions shared by the scenarios

  /** Exactly once from telemetry to alerts: no alert transition is published twice. */
  private static void assertExactlyOnce(List<AlertEvent> events) {
    Map<String, Long> counts = events.stream().collect(Collectors.groupingBy(
        e -> e.getAlertId() + "/" + e.getTransition() + "/" + e.getEventTime().toEpochMilli(),
        LinkedHashMap::new, Collectors.counting()));
    assertThat(counts).as("alert transitions published more than once")
        .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1L));
  }

  private static AlertEvent first(List<AlertEvent> history, AlertType type, AlertTransition transition,
      Instant notBefore) {
    return history.stream().filter(e -> e.getAlertType() == type && e.getTransition() == transition
            && !e.getEventTime().isBefore(notBefore)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " " + transition + " since " + notBefore
            + " in " + describe(history)));
  }

  /** The last transition of an alert, in the order published. */
  private static AlertEvent last(List<AlertEvent> history, String alertId) {
    List<AlertEvent> of = history.stream().filter(e -> e.getAlertId().equals(alertId)).toList();
    return of.get(of.size() - 1);
  }

  private double alertingSeverityHighDose() {
    return alertingConfig.severityPolicy().highDoseMcgPerDay();
  }

  private static String days(Instant from, Instant to) {
    return String.format(java.util.Locale.ROOT, "%.1f", Duration.between(from, to).toMinutes() / 1440.0);
  }

  private static String hours(Instant from, Instant to) {
    return String.format(java.util.Locale.ROOT, "%.1f", Duration.between(from, to).toMinutes() / 60.0);
  }

  private static String describe(List<AlertEvent> events) {
    return events.stream().map(e -> e.getAlertType() + " " + e.getTransition() + " " + e.getSeverity()
        + " " + e.getRiskLevel() + " " + e.getEventTime()).collect(Collectors.joining("; ", "[", "]"));
  }

  // ------------------------------------------------------------------------------------------
  // Driving the pipeline

  /** Something to do when the simulation reaches a simulated instant, before it goes on. */
  private record Pause(Instant at, ThrowingRunnable action) {}

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Runs the scenario into pump.telemetry.v1 under the prefix; returns the simulated end. */
  private Instant runIntoKafka(Scenario scenario, long seed, String prefix, Pause pause) {
    FleetSimulation simulation = new FleetSimulation(scenario, seed);
    try (SimulationSink sink = new RenamingSink(prefix, new KafkaSink(stack.topicRegistry(),
        Map.of("bootstrap.servers", stack.bootstrapServers()), false))) {
      if (pause != null) {
        while (!simulation.finished() && simulation.nowMillis() < pause.at().toEpochMilli()) {
          simulation.step(sink);
        }
        sink.flush();
        pause.action().run();
      }
      simulation.runToEnd(sink);
    } catch (Exception e) {
      throw new AssertionError("simulation into Kafka failed: " + e, e);
    }
    return Instant.ofEpochMilli(simulation.endMillis());
  }

  /** Waits until the twin engine has committed its position at the end of every telemetry partition. */
  private void awaitTwinCaughtUp() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        stack.bootstrapServers()))) {
      List<TopicPartition> partitions = IntStream.range(0, Topics.TELEMETRY.partitions())
          .mapToObj(p -> new TopicPartition(Topics.TELEMETRY.name(), p)).toList();
      await("twin engine caught up with " + Topics.TELEMETRY.name()).atMost(WAIT)
          .pollInterval(Duration.ofMillis(250)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets(twinConfig.applicationId()).partitionsToOffsetAndMetadata().get();
            var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp,
                tp -> OffsetSpec.latest()))).all().get();
            return partitions.stream().allMatch(tp -> {
              long end = ends.get(tp).offset();
              OffsetAndMetadata c = committed.get(tp);
              return end == 0 || (c != null && c.offset() >= end);
            });
          });
    }
  }

  /**
   * Writes one marker twin event to every partition of pump.twin.events.v1 and waits for the alert
   * each one opens: the alerting application processes a partition in order, so once the markers'
   * alerts are out, everything written to the twin events before them has been processed. A marker
   * is a refill-due notice (severity LOW, never escalated) stamped {@code at}, of a pump that does
   * not exist outside this barrier.
   */
  private void barrier(Instant at) {
    String run = stack.uniqueId("BARRIER");
    Set<String> markers = new HashSet<>();
    try (KafkaProducer<String, TwinEvent> producer = stack.producer(Topics.TWIN_EVENTS)) {
      for (int p = 0; p < Topics.TWIN_EVENTS.partitions(); p++) {
        String serial = run + "-p" + p;
        markers.add(serial);
        TwinEvent marker = TwinEvent.newBuilder()
            .setEventId(serial + ":barrier")
            .setPumpSerial(serial)
            .setPatientPseudonym("PT-barrier")
            .setClinicId("clinic-barrier")
            .setEventTime(at)
            .setType(TwinEventType.REFILL_DUE)
            .setTransition(TwinEventTransition.RAISED)
            .setRiskLevel(RiskLevel.WATCH)
            .setHeadline("barrier")
            .setDueAt(null)
            .setDoseMcgPerDay(0)
            .setEvidence(List.of())
            .setTwinValues(Map.of())
            .setSourceEventId(null)
            .build();
        producer.send(new ProducerRecord<>(Topics.TWIN_EVENTS.name(), p, at.toEpochMilli(), serial,
            marker)).get();
      }
    } catch (Exception e) {
      throw new AssertionError("cannot write barrier markers: " + e, e);
    }
    alerts.awaitAll("barrier markers opened on every partition", events -> events.stream()
        .filter(e -> e.getTransition() == AlertTransition.OPENED).map(AlertEvent::getPumpSerial)
        .collect(Collectors.toSet()).containsAll(markers));
  }

  private int acknowledge(String pump, AlertType type) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alerting.apiPort()
            + "/v1/alerts/" + pump + "/" + type + "/acknowledge"))
        .header("Authorization", "Bearer " + ON_CALL_TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"on my way, calling the patient\"}"))
        .build();
    // The API answers from its own view of pump.alerts.v1; it may be a poll behind this test's.
    int[] status = new int[1];
    await("alert API knows the open alert").atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          status[0] = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
          return status[0] != 404;
        });
    return status[0];
  }

  // ------------------------------------------------------------------------------------------
  // Scenarios

  /**
   * A shipped scenario; one added beside them may not be in the installed simulator jar yet, so it
   * is read from the simulator's source tree (the module directory is the working directory).
   */
  private static Scenario loadScenario(String name) {
    ScenarioLoader loader = new ScenarioLoader();
    if (ScenarioLoader.class.getResource("/scenarios/" + name + ".yaml") != null) {
      return loader.load(name);
    }
    return loader.load(Path.of("..", "fleet-simulator", "src", "main", "resources", "scenarios",
        name + ".yaml").toString());
  }

  /** The same scenario in another time window, so tests of this class do not share stream time. */
  private static Scenario startingAt(Scenario s, String start) {
    return new Scenario(s.name(), s.description(), start, s.durationDays(), s.fleetSize(), s.clinics(),
        s.statusCadenceMinutes(), s.groundTruthCadenceMinutes(), s.pumps(), s.battery(), s.clinic(),
        s.catheter(), s.motor(), s.patient(), s.injections());
  }

  /** Gives the simulated pumps serials of this test's own ({@code SIM0000007} -> {@code <prefix>-0000007}). */
  private static final class RenamingSink implements SimulationSink {
    private final String prefix;
    private final SimulationSink delegate;

    RenamingSink(String prefix, SimulationSink delegate) {
      this.prefix = prefix;
      this.delegate = delegate;
    }

    static String rename(String prefix, String serial) {
      return prefix + "-" + serial.substring(3);
    }

    @Override
    public void telemetry(TelemetryEnvelope event) {
      delegate.telemetry(TelemetryEnvelope.newBuilder(event)
          .setPumpSerial(rename(prefix, event.getPumpSerial())).build());
    }

    @Override
    public void groundTruth(GroundTruth truth) {
      delegate.groundTruth(GroundTruth.newBuilder(truth)
          .setPumpSerial(rename(prefix, truth.getPumpSerial())).build());
    }

    @Override
    public void flush() {
      delegate.flush();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** The simulator's ground truth and telemetry for a run, computed in memory (the run is deterministic). */
  private record Truth(Map<String, List<GroundTruth>> truth, Map<String, List<TelemetryEnvelope>> telemetry) {
    static Truth of(Scenario scenario, long seed, String prefix) {
      InMemorySink memory = new InMemorySink();
      new FleetSimulation(scenario, seed).runToEnd(new RenamingSink(prefix, memory));
      return new Truth(
          memory.groundTruth().stream().collect(Collectors.groupingBy(GroundTruth::getPumpSerial,
              LinkedHashMap::new, Collectors.toList())),
          memory.telemetry().stream().collect(Collectors.groupingBy(TelemetryEnvelope::getPumpSerial,
              LinkedHashMap::new, Collectors.toList())));
    }

    List<String> pumps() {
      return List.copyOf(telemetry.keySet());
    }

    Optional<Instant> faultStart(String pump, TrueFaultKind kind) {
      return faultChange(pump, kind, true, Instant.MIN);
    }

    Optional<Instant> faultChange(String pump, TrueFaultKind kind, boolean started, Instant after) {
      return truth.getOrDefault(pump, List.of()).stream()
          .filter(g -> g.getFaultChange() != null && g.getFaultChange().getKind() == kind
              && g.getFaultChange().getStarted() == started && !g.getSimTime().isBefore(after))
          .map(GroundTruth::getSimTime).findFirst();
    }

    /** First hourly truth record at or below the volume, after {@code after}. */
    Optional<Instant> trueVolumeAtOrBelow(String pump, double ml, Instant after) {
      return truth.getOrDefault(pump, List.of()).stream()
          .filter(g -> !g.getSimTime().isBefore(after) && g.getTrueReservoirMl() <= ml)
          .map(GroundTruth::getSimTime).findFirst();
    }

    Optional<Instant> refillAfter(String pump, Instant after) {
      return telemetry.get(pump).stream()
          .filter(e -> e.getPayload() instanceof RefillRecord && e.getEventTime().isAfter(after))
          .map(TelemetryEnvelope::getEventTime).findFirst();
    }

    Instant lastTelemetry(String pump) {
      List<TelemetryEnvelope> events = telemetry.get(pump);
      return events.get(events.size() - 1).getEventTime();
    }
  }

  /** Every AlertEvent on pump.alerts.v1 (read_committed, from the beginning), in partition order. */
  private static final class AlertLog implements AutoCloseable {
    private final KafkaConsumer<String, AlertEvent> consumer;
    private final List<ConsumerRecord<String, AlertEvent>> records = new ArrayList<>();

    AlertLog(KafkaConsumer<String, AlertEvent> consumer) {
      this.consumer = consumer;
    }

    /** This test's alerts, read to the end of what is committed now. */
    List<AlertEvent> ofPrefix(String prefix) {
      readToEnd();
      return records.stream().filter(r -> r.key() != null && r.key().startsWith(prefix + "-"))
          .map(ConsumerRecord::value).toList();
    }

    AlertEvent await(String what, Predicate<AlertEvent> wanted) {
      List<AlertEvent> found = awaitAll(what, events -> events.stream().anyMatch(wanted));
      return found.stream().filter(wanted).findFirst().orElseThrow();
    }

    List<AlertEvent> awaitAll(String what, Predicate<List<AlertEvent>> done) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        List<AlertEvent> all = records.stream().map(ConsumerRecord::value).toList();
        if (done.test(all)) {
          return all;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }

    /** With read_committed, the end offsets are the last stable offsets: everything committed. */
    private void readToEnd() {
      consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("cannot read " + Topics.ALERTS.name() + " to its end " + ends);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
