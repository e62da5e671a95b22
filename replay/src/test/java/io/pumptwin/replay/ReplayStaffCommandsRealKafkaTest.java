package io.pumptwin.replay;

import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.WAIT;
import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.assertSame;
import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.awaitCommittedToEnd;
import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.byPump;
import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.count;
import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.readAll;
import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.replay;
import static io.pumptwin.replay.ReplayDeterminismRealKafkaTest.twinPartition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.stream.AlertClock;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.replay.pipeline.CollectedOutput;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.replay.run.ReplayRun;
import io.pumptwin.replay.run.RunOutput;
import io.pumptwin.replay.source.FileTelemetrySource;
import io.pumptwin.replay.source.TimeRange;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.KafkaSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.io.PrintStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Staff commands replayed, against the real broker and registry: a simulated fleet runs live
 * through the real {@link TwinEngine} and {@link AlertingService} (LIVE alert clock, as the service
 * runs); half-way, on-call staff acknowledge, silence and resolve alerts through the alert API (HTTP,
 * a staff token), one nurse acknowledges an alert a colleague already acknowledged (a command that
 * changes nothing), then the fleet runs on. The replay from the topics and the replay from an export
 * file reproduce every alert event of production exactly, the ACKNOWLEDGED, SILENCED and RESOLVED
 * transitions with their times and actors included, and so the re-notifications and escalations
 * that did not happen because someone acted. The same telemetry replayed without the commands gives
 * different alerts (the check that this test would fail if the replay dropped them).
 */
@RealKafka
@Order(2)
class ReplayStaffCommandsRealKafkaTest {
  private static final Logger log = LoggerFactory.getLogger(ReplayStaffCommandsRealKafkaTest.class);
  private static final String NURSE_TOKEN = "replay-test-nurse-token-7f3a";
  private static final String COLLEAGUE_TOKEN = "replay-test-colleague-token-91c2";
  private static final Set<AlertStatus> AWAITING_ACK = Set.of(AlertStatus.OPEN, AlertStatus.ESCALATED);

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void replayReproducesAlertsThatStaffAcknowledgedSilencedAndResolved(RealStack stack) throws Exception {
    String prefix = stack.uniqueId("CMD");
    Scenario scenario = startingLater(SimulatedTelemetry.scenario("missed-refill", 24, 60));
    Set<String> clinics = IntStream.rangeClosed(1, scenario.clinics())
        .mapToObj(i -> String.format("clinic-%03d", i)).collect(Collectors.toSet());
    ApiAccess access = new ApiAccess(Map.of(
        ApiAccess.sha256(NURSE_TOKEN), new ApiAccess.Staff("nurse-r1", StaffRole.ON_CALL, clinics),
        ApiAccess.sha256(COLLEAGUE_TOKEN), new ApiAccess.Staff("nurse-r2", StaffRole.ON_CALL, clinics)));
    TwinEngineConfig twinConfig = TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dir.resolve("twin-state"))
        .withApplicationId(stack.uniqueId("replay-cmd-twin")).withQueryServer(0, null);
    AlertingConfig local = AlertingConfig.local(stack.bootstrapServers(), dir, null, null, null);
    AlertingConfig alertingConfig = new AlertingConfig(local.bootstrapServers(), stack.uniqueId("replay-cmd-alerting"),
        local.stateDir(), local.severityPolicy(), local.escalationPolicy(), local.sweepInterval(),
        local.standbyReplicas(), "127.0.0.1", 0, access, local.routing(), local.smtp(),
        local.deliveryRetry(), local.webhookTimeout(), Map.of());
    assertThat(alertingConfig.alertClock()).isEqualTo(AlertClock.LIVE);

    long seed = 8_808;
    // The contract's serdes make Avro trust the generated classes (the simulator's builders copy them).
    stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().serializer();
    long halfWay = whenChasedAlertsAreOpen(scenario, seed, prefix);
    FleetSimulation simulation = new FleetSimulation(scenario, seed);
    Map<String, Command> sent = new LinkedHashMap<>();
    try (TwinEngine twin = new TwinEngine(twinConfig).start();
         AlertingService alerting = new AlertingService(alertingConfig, stack.topicRegistry())) {
      alerting.start();
      try (var sink = new SimulatedTelemetry.RenamingSink(prefix, new KafkaSink(stack.topicRegistry(),
          Map.of("bootstrap.servers", stack.bootstrapServers()), false))) {
        while (simulation.nowMillis() < halfWay) {
          simulation.step(sink);
        }
        sink.flush();
        await().atMost(WAIT).until(() -> alerting.streamsState() == KafkaStreams.State.RUNNING);
        awaitCommittedToEnd(stack, twinConfig.applicationId(), Topics.TELEMETRY);
        awaitCommittedToEnd(stack, alertingConfig.applicationId(), Topics.TWIN_EVENTS);

        // Staff act on open alerts through the alert API, preferring alerts production has been chasing.
        List<AlertEvent> open = openAwaitingAcknowledgement(readAll(stack, Topics.ALERTS, prefix));
        log.info("figure=commands_candidates open_awaiting_ack={}", open.size());
        assertThat(open).as("open alerts awaiting acknowledgement half-way").hasSizeGreaterThanOrEqualTo(4);
        Instant now = Instant.ofEpochMilli(simulation.nowMillis());
        int port = alerting.apiPort();
        command(port, NURSE_TOKEN, open.get(0), "acknowledge", "{}", sent);
        command(port, NURSE_TOKEN, open.get(1), "acknowledge", "{\"reason\":\"patient called, refill booked\"}", sent);
        command(port, NURSE_TOKEN, open.get(2), "silence", "{\"reason\":\"planned revision surgery\","
            + "\"silenceUntil\":\"" + now.plus(Duration.ofDays(2)) + "\"}", sent);
        awaitTransitions(stack, prefix, sent, 3);
        // A colleague acknowledges what is already acknowledged: production changes nothing, no trace.
        command(port, COLLEAGUE_TOKEN, open.get(0), "acknowledge", "{}", sent);
        command(port, NURSE_TOKEN, open.get(3), "resolve", "{\"reason\":\"checked in clinic, pump fine\"}", sent);
        awaitTransitions(stack, prefix, sent, 4);
        awaitCommittedToEnd(stack, alertingConfig.applicationId(), Topics.ALERT_COMMANDS);

        while (!simulation.finished()) {
          simulation.step(sink);
        }
        sink.flush();
      }
      awaitCommittedToEnd(stack, twinConfig.applicationId(), Topics.TELEMETRY);
      awaitCommittedToEnd(stack, alertingConfig.applicationId(), Topics.TWIN_EVENTS);
    }

    List<TwinEvent> recordedEvents = readAll(stack, Topics.TWIN_EVENTS, prefix);
    Map<Integer, Instant> inputEnd = new TreeMap<>();
    for (TwinEvent e : recordedEvents) {
      inputEnd.merge(twinPartition(e.getPumpSerial()), e.getEventTime(), (a, b) -> a.isAfter(b) ? a : b);
    }
    List<AlertEvent> recordedAlerts = readAll(stack, Topics.ALERTS, prefix);
    // As in the determinism test: production's LIVE clock met deadlines after a partition's input ended.
    List<AlertEvent> afterInput = recordedAlerts.stream()
        .filter(a -> a.getEventTime().isAfter(inputEnd.get(twinPartition(a.getPumpSerial())))).toList();
    assertThat(afterInput).allMatch(a -> a.getTransition() == AlertTransition.RENOTIFIED
        || a.getTransition() == AlertTransition.ESCALATED);
    List<AlertEvent> production = recordedAlerts.stream().filter(a -> !afterInput.contains(a)).toList();

    // What production did with the commands: each traced by the transition it caused.
    List<AlertEvent> byCommand = production.stream().filter(a -> a.getActor() != null).toList();
    log.info("figure=commands_production transitions={}", byCommand.stream()
        .map(a -> a.getTransition() + "@" + a.getEventTime() + " by " + a.getActor()).toList());
    assertThat(byCommand).extracting(AlertEvent::getTransition).containsExactlyInAnyOrder(
        AlertTransition.ACKNOWLEDGED, AlertTransition.ACKNOWLEDGED, AlertTransition.SILENCED,
        AlertTransition.RESOLVED);
    for (AlertEvent ack : byCommand.stream().filter(a -> a.getTransition() == AlertTransition.ACKNOWLEDGED).toList()) {
      assertThat(production).as("no re-notification or escalation of acknowledged alert " + ack.getAlertId())
          .noneMatch(a -> a.getAlertId().equals(ack.getAlertId()) && a.getEventTime().isAfter(ack.getEventTime())
              && (a.getTransition() == AlertTransition.RENOTIFIED || a.getTransition() == AlertTransition.ESCALATED));
    }

    Map<String, List<String>> productionAlerts = byPump(production, ReplayDeterminismRealKafkaTest::describe);
    Map<String, List<String>> productionEvents = byPump(recordedEvents, ReplayDeterminismRealKafkaTest::describe);
    log.info("figure=commands_recorded pumps={} twin_events={} alerts={} commands={}", productionEvents.size(),
        count(productionEvents), count(productionAlerts), sent.size());

    // Replay from the topics (telemetry, commands, and the alert log for when each command was applied).
    ReplayRun.Result fromTopic = replay("--source", "topic", "--bootstrap", stack.bootstrapServers(),
        "--registry", stack.registryUrl(), "--threads", "3", "--out", dir.resolve("from-topic").toString());
    assertCommandsRead(fromTopic, prefix, sent);
    assertSame(productionEvents, productionAlerts, fromTopic, prefix, "replay with commands from the topics");
    assertThat(Files.readAllLines(fromTopic.baseline().dir().resolve(RunOutput.COMMANDS)))
        .as("commands.csv").anyMatch(l -> l.contains(prefix + "-") && l.contains("SILENCE"));

    // Export (format 2: commands first, then telemetry) and replay the file without the broker, one thread.
    Path file = dir.resolve("telemetry.avro");
    ExportCommand export = new ExportCommand();
    new CommandLine(export).parseArgs("--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(),
        "--out", file.toString());
    export.export(new PrintStream(System.err));
    ReplayRun.Result fromFile = replay("--source", "file:" + file, "--threads", "1", "--out",
        dir.resolve("from-file").toString());
    assertCommandsRead(fromFile, prefix, sent);
    assertSame(productionEvents, productionAlerts, fromFile, prefix, "replay with commands from the export file");

    // The same telemetry without the commands: production's alerts are not reproduced (the acknowledged
    // alerts would have been chased, the resolved one would have stayed open). This is what the
    // assertions above catch if the replay dropped the commands.
    Map<String, List<String>> withoutCommands = replayWithoutCommands(file, prefix);
    Set<String> pumpsActedOn = sent.values().stream().map(Command::pump).collect(Collectors.toSet());
    long differing = pumpsActedOn.stream()
        .filter(p -> !withoutCommands.getOrDefault(p, List.of()).equals(productionAlerts.get(p))).count();
    log.info("figure=commands_dropped pumps_acted_on={} pumps_whose_alerts_differ_without_commands={}",
        pumpsActedOn.size(), differing);
    assertThat(differing).as("pumps whose alerts differ when the commands are left out").isEqualTo(pumpsActedOn.size());
    long chasedWithout = byCommand.stream().filter(a -> a.getTransition() == AlertTransition.ACKNOWLEDGED)
        .mapToLong(ack -> withoutCommands.getOrDefault(ack.getPumpSerial(), List.of()).stream()
            .filter(d -> d.contains(" id=" + ack.getAlertId() + " ") && ReplayDeterminismRealKafkaTest.deadline(d)
                && Instant.parse(d.split(" ")[0]).isAfter(ack.getEventTime())).count()).sum();
    log.info("figure=commands_dropped reminders_and_escalations_of_acknowledged_alerts_without_commands={}",
        chasedWithout);
    assertThat(chasedWithout).as("re-notifications and escalations the acknowledgements prevented").isPositive();
  }

  private record Command(String pump, String alertType, String action) {}

  /**
   * The fleet starts after the determinism test's fleet ended (it runs first, on the same topics;
   * {@code junit-platform.properties}): this test's twin engine and alerting read those topics from
   * the start, and twin events older than a partition's stream time would be late for them, which
   * is not what this test is about.
   */
  private static Scenario startingLater(Scenario s) {
    return new Scenario(s.name(), s.description(), "2026-06-01T00:00:00Z", s.durationDays(), s.fleetSize(),
        s.clinics(), s.statusCadenceMinutes(), s.groundTruthCadenceMinutes(), s.pumps(), s.battery(), s.clinic(),
        s.catheter(), s.motor(), s.patient(), s.injections());
  }

  /**
   * When to stop the fleet for staff to act: the first 6-hour mark at which at least two pumps have
   * an alert production chases (re-notified or escalated later) open and unacknowledged, and at least
   * four pumps have one open. Found by running the same fleet through the in-process pipeline first,
   * which gives production's alerts (the determinism test's claim); an acknowledgement then prevents
   * reminders that the replay without commands shows.
   */
  private static long whenChasedAlertsAreOpen(Scenario scenario, long seed, String prefix) {
    CollectedOutput out = new CollectedOutput(false);
    FleetSimulation dryRun = new FleetSimulation(scenario, seed);
    try (InProcessPipeline pipeline = new InProcessPipeline(PipelineParameters.production(),
        Topics.TELEMETRY.partitions(), out)) {
      dryRun.runToEnd(new SimulatedTelemetry.RenamingSink(prefix, new io.pumptwin.simulator.output.SimulationSink() {
        @Override
        public void telemetry(io.pumptwin.events.TelemetryEnvelope e) {
          pipeline.send(e);
        }

        @Override
        public void groundTruth(io.pumptwin.events.GroundTruth truth) {}

        @Override
        public void flush() {}

        @Override
        public void close() {}
      }));
      pipeline.finishInput();
    }
    List<AlertEvent> alerts = out.alerts();
    for (long t = dryRun.startMillis() + Duration.ofDays(5).toMillis(); t < dryRun.endMillis()
        - Duration.ofDays(10).toMillis(); t += Duration.ofHours(6).toMillis()) {
      Instant at = Instant.ofEpochMilli(t);
      Map<String, AlertEvent> last = new LinkedHashMap<>();
      alerts.stream().filter(a -> !a.getEventTime().isAfter(at)).forEach(a -> last.put(a.getAlertId(), a));
      List<AlertEvent> open = last.values().stream().filter(a -> AWAITING_ACK.contains(a.getStatus())).toList();
      long chasedLater = open.stream().filter(o -> alerts.stream().anyMatch(a -> a.getAlertId().equals(o.getAlertId())
          && a.getEventTime().isAfter(at.plus(Duration.ofHours(2)))
          && (a.getTransition() == AlertTransition.RENOTIFIED || a.getTransition() == AlertTransition.ESCALATED)))
          .map(AlertEvent::getPumpSerial).distinct().count();
      long pumps = open.stream().map(AlertEvent::getPumpSerial).distinct().count();
      if (chasedLater >= 2 && pumps >= 4) {
        log.info("figure=commands_halt at={} open_pumps={} chased_later_pumps={}", at, pumps, chasedLater);
        return t;
      }
    }
    throw new AssertionError("the scenario never has two chased alerts and four pumps with open alerts at once");
  }

  /** Open alerts awaiting acknowledgement, one per pump: the most severe first (those production chases). */
  private static List<AlertEvent> openAwaitingAcknowledgement(List<AlertEvent> alerts) {
    Map<String, AlertEvent> last = new LinkedHashMap<>();
    Map<String, Integer> chased = new java.util.HashMap<>();
    for (AlertEvent a : alerts) {
      last.put(a.getAlertId(), a);
      if (a.getTransition() == AlertTransition.RENOTIFIED || a.getTransition() == AlertTransition.ESCALATED) {
        chased.merge(a.getAlertId(), 1, Integer::sum);
      }
    }
    // One alert per pump, so each command's pump tells which command made a difference.
    Map<String, AlertEvent> perPump = new TreeMap<>();
    last.values().stream().filter(a -> AWAITING_ACK.contains(a.getStatus()))
        .sorted(Comparator.comparing(AlertEvent::getSeverity).reversed()
            .thenComparing((AlertEvent a) -> -chased.getOrDefault(a.getAlertId(), 0))
            .thenComparing(AlertEvent::getPumpSerial).thenComparing(a -> a.getAlertType().toString()))
        .forEach(a -> perPump.putIfAbsent(a.getPumpSerial(), a));
    List<AlertEvent> chosen = perPump.values().stream()
        .sorted(Comparator.comparing(AlertEvent::getSeverity).reversed()
            .thenComparing((AlertEvent a) -> -chased.getOrDefault(a.getAlertId(), 0))
            .thenComparing(AlertEvent::getPumpSerial)).toList();
    log.info("figure=commands_candidates alerts={}", chosen.stream().map(a -> a.getPumpSerial() + " "
        + a.getAlertType() + " " + a.getSeverity() + " " + a.getStatus() + " chased=" + chased.getOrDefault(
            a.getAlertId(), 0)).toList());
    return chosen;
  }

  /** POSTs a command through the alert API, retrying while its open-alerts view has not caught up (404). */
  private void command(int port, String token, AlertEvent alert, String action, String body,
      Map<String, Command> sent) {
    String path = "/v1/alerts/" + alert.getPumpSerial() + "/" + alert.getAlertType() + "/" + action;
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    await(action + " " + path).atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
      last.set(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
      return last.get().statusCode() != 404;
    });
    assertThat(last.get().statusCode()).as(path + ": " + last.get().body()).isEqualTo(202);
    String id = last.get().body().replaceAll(".*\"commandId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    sent.put(id, new Command(alert.getPumpSerial(), alert.getAlertType().toString(), action));
  }

  /** Waits until production has published a transition for each of the first {@code n} commands sent. */
  private static void awaitTransitions(RealStack stack, String prefix, Map<String, Command> sent, int n) {
    await("transitions of " + n + " commands").atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Set<String> traced = readAll(stack, Topics.ALERTS, prefix).stream().filter(a -> a.getActor() != null)
          .map(a -> a.getCausedBy().split(" ")[0]).collect(Collectors.toSet());
      return traced.size() >= n;
    });
  }

  /** Every command sent was read, with the time production applied it when it left a trace (all but the repeat). */
  private static void assertCommandsRead(ReplayRun.Result replay, String prefix, Map<String, Command> sent) {
    var mine = replay.commands().stream().filter(c -> c.command().getPumpSerial().startsWith(prefix + "-")).toList();
    assertThat(mine).extracting(c -> c.command().getCommandId()).containsExactlyInAnyOrderElementsOf(sent.keySet());
    assertThat(mine.stream().filter(c -> c.appliedAt() == null).count())
        .as("commands without a trace in production's alert log (the repeated acknowledgement)").isEqualTo(1);
  }

  /** The export file's telemetry through the pipeline, its commands left out. */
  private static Map<String, List<String>> replayWithoutCommands(Path file, String prefix) {
    FileTelemetrySource source = new FileTelemetrySource(file);
    CollectedOutput out = new CollectedOutput(false);
    try (InProcessPipeline pipeline = new InProcessPipeline(PipelineParameters.production(), source.partitions(),
        out)) {
      source.read(TimeRange.all(), r -> pipeline.send(r.partition(), r.envelope(), r.timestamp()),
          f -> { });
      pipeline.finishInput();
    }
    List<AlertEvent> alerts = new ArrayList<>(out.alerts().stream()
        .filter(a -> a.getPumpSerial().startsWith(prefix + "-")).toList());
    return byPump(alerts, ReplayDeterminismRealKafkaTest::describe);
  }
}
