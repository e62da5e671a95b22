package io.pumptwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.dashboard.access.StaffDirectory;
import io.pumptwin.dashboard.view.ViewLimits;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.CatheterFaultKind;
import io.pumptwin.events.CatheterFaultLikelihood;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.ExplantReason;
import io.pumptwin.events.ExplantSummary;
import io.pumptwin.events.RiskAssessment;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard end to end: a real broker and registry, the dashboard service reading its topics,
 * and a real headless Chromium signing in, reading the fleet, watching alerts arrive, pressing
 * buttons. The twin engine and alerting are other services; their records are produced here as
 * they would produce them.
 */
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
  static final String NORTH = "clinic-north";
  static final String SOUTH = "clinic-south";
  static final String NURSE_TOKEN = "tok-" + UUID.randomUUID();
  static final String VIEWER_TOKEN = "tok-" + UUID.randomUUID();
  static final String SOUTH_TOKEN = "tok-" + UUID.randomUUID();

  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  final Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
  final List<PumpScenario> north = new ArrayList<>();
  final List<PumpScenario> south = new ArrayList<>();
  RealStack stack;
  DashboardService dashboard;
  String url;
  KafkaProducer<String, AlertEvent> alerts;

  PumpScenario occluded;
  PumpScenario stalled;
  PumpScenario dueSoon;
  PumpScenario southStalled;
  PumpScenario eri;
  PumpScenario explanted;
  PumpScenario doubted;
  Instant explantedAt;
  Instant doubtedExplantedAt;
  Instant doubtedSince;

  @BeforeAll
  void startDashboardOnAFleet(RealStack stack, @TempDir Path dir) throws Exception {
    this.stack = stack;
    occluded = new PumpScenario("NGP204511H", "P-7F3A21", NORTH, 40, 500, 300, now, 80, 20, 38,
        true, 71, false, DeliveryStatus.DELIVERING, RiskLevel.LIKELY);
    stalled = new PumpScenario("NGP204538H", "P-19C4E0", NORTH, 40, 1000, 800, now, 70, 25, 38,
        false, 55, false, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    dueSoon = new PumpScenario("NGP204562H", "P-A03B77", NORTH, 40, 500, 300, now, 100, 50, 38,
        false, 64, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    PumpScenario silent = new PumpScenario("NGP204587H", "P-5D8E12", NORTH, 20, 2000, 450, now, 90, 35,
        18, false, 48, true, DeliveryStatus.UNKNOWN, RiskLevel.NONE);
    eri = new PumpScenario("NGP204603H", "P-C2F940", NORTH, 20, 1000, 250, now, 90, 40,
        18, false, 6, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    PumpScenario fresh = new PumpScenario("NGP204629H", "P-E61B05", NORTH, 40, 2000, 600, now, 120, 5,
        38, false, 83, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    // Replaced after its ERI: the clinic's explant retired its twin, whose last figures (no delivery,
    // urgent underdose risk, not heard for days, the battery at ERI, the reservoir's band down to the
    // alarm volume, a catheter fault likely) stand as they were; the dashboard must show it as
    // explanted, count it in no risk, refill or silence, and show none of those figures as an alarm.
    explanted = new PumpScenario("NGP204655H", "P-3B8C41", NORTH, 20, 1000, 300, now, 90, 52, 18,
        false, 4, true, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    // Recorded as explanted against the wrong serial: the pump is still in its patient, stalled two
    // days ago and raised its critical alarm from the patient's home, so the twin doubts the explant
    // and follows its withdrawal risk again. The dashboard must show that risk and count it, and its
    // reservoir, whose band is down to the alarm volume with nobody calling the patient in, in its colours.
    doubted = new PumpScenario("NGP204642H", "P-8D2F57", NORTH, 40, 1000, 600, now, 90, 55, 38,
        false, 58, false, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    explantedAt = now.minus(Duration.ofHours(80));
    doubtedExplantedAt = now.minus(Duration.ofDays(4));
    doubtedSince = now.minus(Duration.ofDays(2));
    // Both explanted twins had assessed an overdose LIKELY (signs reported before the explant), which stands
    // in their states: a level nobody follows on the one, followed again (with the underdose) on the doubted one.
    RiskAssessment overdoseBeforeTheExplant = new RiskAssessment(RiskLevel.LIKELY, 0.7,
        now.minus(Duration.ofDays(5)), List.of(new Evidence("OVERDOSE_SYMPTOMS", now.minus(Duration.ofDays(5)),
            "Drowsiness and dizziness reported by the caregiver", 1.3, null)));
    // The explanted twin had found an occlusion likely from its last refill's residual; that stands too.
    CatheterFaultLikelihood catheterFaultBeforeTheExplant = new CatheterFaultLikelihood(0.45,
        CatheterFaultKind.OCCLUSION, List.of(new Evidence("RESIDUAL_EXCESS", now.minus(Duration.ofDays(52)),
            "Residual 2.4 mL larger than expected at refill", 2.1, null)));
    north.addAll(List.of(occluded, stalled, dueSoon, silent, eri, fresh, explanted, doubted));
    southStalled = new PumpScenario("NGP317720H", "P-0B7D66", SOUTH, 40, 1000, 700, now, 70, 30, 38,
        false, 52, false, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    south.addAll(List.of(southStalled,
        new PumpScenario("NGP317745H", "P-9A1C33", SOUTH, 40, 500, 250, now, 90, 30, 38, false, 77,
            false, DeliveryStatus.DELIVERING, RiskLevel.NONE),
        new PumpScenario("NGP317761H", "P-4E2D90", SOUTH, 20, 1000, 200, now, 90, 45, 18, false, 68,
            false, DeliveryStatus.DELIVERING, RiskLevel.NONE)));

    try (KafkaProducer<String, TwinState> twins = stack.producer(Topics.TWIN_STATE);
        KafkaProducer<String, TelemetryEnvelope> telemetry = stack.producer(Topics.TELEMETRY)) {
      for (PumpScenario p : concat(north, south)) {
        List<TwinState> states = new ArrayList<>(p.twinStates());
        if (p == explanted) {
          states.set(states.size() - 1, PumpScenarioAccess.withCatheter(PumpScenarioAccess.withOverdose(
              PumpScenarioAccess.withExplant(states.get(states.size() - 1), ExplantSummary.newBuilder()
                  .setExplantedAt(explantedAt).setReason(ExplantReason.ELECTIVE_REPLACEMENT)
                  .setReplacementPumpSerial("NGP219904H").setSourceEventId("ev-explant-204655").build()),
              overdoseBeforeTheExplant), catheterFaultBeforeTheExplant));
        }
        if (p == doubted) {
          states.set(states.size() - 1, PumpScenarioAccess.withOverdose(PumpScenarioAccess.withExplant(
              states.get(states.size() - 1), ExplantSummary.newBuilder().setExplantedAt(doubtedExplantedAt)
                  .setReason(ExplantReason.ELECTIVE_REPLACEMENT).setReplacementPumpSerial("NGP219917H")
                  .setSourceEventId("ev-explant-wrong-serial").setDoubtedSince(doubtedSince).build()),
              overdoseBeforeTheExplant));
        }
        for (TwinState s : states) {
          twins.send(new ProducerRecord<>(Topics.TWIN_STATE.name(), p.serial(), s));
        }
        for (TelemetryEnvelope t : p.telemetry()) {
          telemetry.send(new ProducerRecord<>(Topics.TELEMETRY.name(), p.serial(), t));
        }
      }
    }
    alerts = stack.producer(Topics.ALERTS);
    send(occluded.alert(id(), AlertType.CATHETER_FAULT_SUSPECTED, AlertTransition.OPENED,
        AlertStatus.OPEN, Severity.HIGH, RiskLevel.LIKELY, now.minus(Duration.ofHours(5)),
        now.minus(Duration.ofHours(5)), null,
        "Catheter fault suspected (occlusion): residual 2.8 mL above expected, spasticity back, dose raised without effect",
        occluded.catheterEvidenceUntil(now)));
    send(stalled.alert(id(), AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertTransition.ESCALATED,
        AlertStatus.ESCALATED, Severity.CRITICAL, RiskLevel.URGENT, now.minus(Duration.ofHours(20)),
        now.minus(Duration.ofDays(2)), null,
        "No delivery for 2 days at 800 mcg/day after a motor stall: withdrawal risk",
        List.of(new Evidence("MOTOR_STALL", now.minus(Duration.ofDays(2)), "Motor stall logged by pump", 0.0, null))));
    send(doubted.alert(id(), AlertType.EXPLANT_DOUBTED, AlertTransition.OPENED, AlertStatus.OPEN,
        Severity.MEDIUM, RiskLevel.WATCH, doubtedSince, doubtedSince, null,
        "Explant in doubt: critical alarm from the patient's home after the explant", List.of()));
    send(doubted.alert(id(), AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertTransition.OPENED,
        AlertStatus.OPEN, Severity.CRITICAL, RiskLevel.URGENT, doubtedSince, doubtedSince, null,
        "No delivery for 2 days at 600 mcg/day after a motor stall: withdrawal risk", List.of()));
    send(dueSoon.alert(id(), AlertType.REFILL_DUE, AlertTransition.ACKNOWLEDGED,
        AlertStatus.ACKNOWLEDGED, Severity.MEDIUM, RiskLevel.WATCH, now.minus(Duration.ofHours(3)),
        now.minus(Duration.ofDays(1)), "nurse-north-04", "Refill due within 7 days (band's early edge less lead time)",
        List.of()));
    send(silent.alert(id(), AlertType.PUMP_SILENT, AlertTransition.OPENED, AlertStatus.OPEN,
        Severity.LOW, RiskLevel.WATCH, now.minus(Duration.ofHours(32)), now.minus(Duration.ofHours(32)),
        null, "Pump not heard from for 48 h", List.of(new Evidence("PUMP_SILENT", now.minus(Duration.ofHours(32)), "Silent for 48 h", 0.0, null))));
    send(eri.alert(id(), AlertType.BATTERY_ERI, AlertTransition.OPENED, AlertStatus.OPEN,
        Severity.MEDIUM, RiskLevel.WATCH, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(3)),
        null, "Elective replacement indicator: schedule pump replacement within 90 days", List.of()));
    send(southStalled.alert(id(), AlertType.PUMP_CRITICAL_ALARM, AlertTransition.OPENED,
        AlertStatus.OPEN, Severity.CRITICAL, RiskLevel.URGENT, now.minus(Duration.ofHours(30)),
        now.minus(Duration.ofHours(30)), null, "SOUTH-ONLY critical alarm: motor stall", List.of()));
    alerts.flush();

    Path tokens = dir.resolve("tokens.yaml");
    Files.writeString(tokens, """
        tokens:
          - {sha256: %s, userId: nurse-north-17, role: ON_CALL, clinics: [clinic-north]}
          - {sha256: %s, userId: viewer-north-02, role: VIEWER, clinics: [clinic-north]}
          - {sha256: %s, userId: nurse-south-05, role: ON_CALL, clinics: [clinic-south]}
        """.formatted(StaffDirectory.sha256(NURSE_TOKEN), StaffDirectory.sha256(VIEWER_TOKEN),
        StaffDirectory.sha256(SOUTH_TOKEN)));
    DashboardConfig config = new DashboardConfig(stack.bootstrapServers(), "127.0.0.1", 0,
        StaffDirectory.load(tokens), ViewLimits.defaults(), Duration.ofHours(1),
        Duration.ofSeconds(60), Duration.ofSeconds(2), Map.of());
    dashboard = new DashboardService(config, stack.topicRegistry(), Clock.systemUTC());
    dashboard.start();
    url = dashboard.url();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        get("/api/fleet", NURSE_TOKEN).body().contains("NGP204629H"));
  }

  @AfterAll
  void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (alerts != null) {
      alerts.close();
    }
  }

  @Test
  void aNurseSignsInSeesTheFleetFiltersAndSortsItAndOpensAPumpsChart() throws Exception {
    try (Browser b = new Browser(url)) {
      b.open("/signin.html");
      b.waitFor(By.id("token"));
      b.screenshot("signin");
      b.signIn(NURSE_TOKEN);

      assertThat(b.driver.findElement(By.id("who-user")).getText()).isEqualTo("nurse-north-17");
      assertThat(rowSerials(b)).containsExactlyInAnyOrderElementsOf(serials(north));
      assertThat(b.driver.getPageSource()).doesNotContain("NGP3177").doesNotContain(SOUTH);
      // Gravest first: the stopped high-dose pump leads the table.
      assertThat(rowSerials(b).get(0)).isEqualTo(stalled.serial());
      b.waitUntil(d -> !d.findElements(By.cssSelector("#tiles .tile")).isEmpty());
      // The explanted pump is listed as such, and counted among neither the pumps at risk (the
      // occluded and the stalled one) nor the silent ones.
      WebElement out = b.driver.findElement(By.cssSelector("tr[data-serial='" + explanted.serial() + "']"));
      assertThat(out.getAttribute("class")).contains("explanted");
      assertThat(out.getText()).contains("Explanted").contains("elective replacement")
          .contains("replaced by NGP219904H").doesNotContain("Silent");
      // The doubted explant shows its risk and the doubt, is not greyed out as an explant, and
      // counts among the pumps at risk (the occluded, the stalled and this one).
      WebElement inDoubt = b.driver.findElement(By.cssSelector("tr[data-serial='" + doubted.serial() + "']"));
      assertThat(inDoubt.getAttribute("class").split(" ")).contains("risk-URGENT").doesNotContain("explanted");
      String doubtedAt = (String) b.js("return PT.fmtTime(arguments[0])", doubtedSince.toEpochMilli());
      assertThat(inDoubt.getText()).contains("Urgent").contains("underdose / withdrawal")
          .contains("explant doubted since " + doubtedAt + ": the pump still reports from the patient")
          .doesNotContain("Silent");
      assertThat(tile(b, "Urgent or likely")).isEqualTo("3");
      assertThat(tile(b, "Silent")).isEqualTo("1");
      b.screenshot("fleet");

      new Select(b.driver.findElement(By.id("filter-risk"))).selectByValue("URGENT");
      b.waitUntil(d -> rowSerials(b).equals(List.of(stalled.serial(), doubted.serial())));
      new Select(b.driver.findElement(By.id("filter-risk"))).selectByValue("LIKELY");
      b.waitUntil(d -> rowSerials(b).equals(List.of(stalled.serial(), doubted.serial(), occluded.serial())));
      new Select(b.driver.findElement(By.id("filter-risk"))).selectByValue("ANY");
      b.driver.findElement(By.id("filter-silent")).click();
      b.waitUntil(d -> rowSerials(b).equals(List.of("NGP204587H")));
      b.driver.findElement(By.id("filter-silent")).click();
      new Select(b.driver.findElement(By.id("filter-refill"))).selectByValue("14");
      b.waitUntil(d -> rowSerials(b).contains(dueSoon.serial()) && !rowSerials(b).contains("NGP204629H"));
      new Select(b.driver.findElement(By.id("filter-refill"))).selectByValue("");
      b.waitUntil(d -> rowSerials(b).size() == north.size());

      // Sorting by refill due puts the soonest first; a second click reverses it.
      b.driver.findElement(By.cssSelector("th[data-sort=daysToRefillDue]")).click();
      List<String> byRefill = rowSerials(b);
      assertThat(byRefill.get(0)).isEqualTo(soonestRefill(north));
      // The explanted pumps, doubted or not, have no refill due: they stay last either way.
      List<String> noRefill = List.of(doubted.serial(), explanted.serial());
      assertThat(byRefill.subList(byRefill.size() - 2, byRefill.size())).isEqualTo(noRefill);
      b.driver.findElement(By.cssSelector("th[data-sort=daysToRefillDue]")).click();
      List<String> expected = new ArrayList<>(reversed(byRefill.subList(0, byRefill.size() - 2)));
      expected.addAll(noRefill);
      assertThat(rowSerials(b)).isEqualTo(expected);

      b.driver.findElement(By.cssSelector("tr[data-serial='" + occluded.serial() + "']")).click();
      b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
      assertThat(b.driver.findElement(By.id("pump-serial")).getText()).isEqualTo(occluded.serial());
      WebElement chart = b.driver.findElement(By.id("reservoir-svg"));
      assertThat(chart.findElements(By.tagName("polygon"))).isNotEmpty();        // the 95% band
      assertThat(chart.findElements(By.cssSelector("g.refill-marker"))).hasSize(1);
      assertThat(chart.findElement(By.cssSelector("g.refill-marker")).getText())
          .contains("expected 2.0").contains("measured 4.8");
      assertThat(chart.findElements(By.cssSelector("g.event-marker[data-kind=symptom]"))).hasSize(1);
      assertThat(chart.findElements(By.cssSelector("g.event-marker[data-kind=dose]"))).hasSize(1);
      assertThat(b.driver.findElements(By.cssSelector("#catheter-svg g.catheter-point"))).hasSizeGreaterThanOrEqualTo(3);
      assertThat(b.driver.findElement(By.id("catheter-evidence")).getText())
          .contains("Residual excess").contains("Dose escalation without effect");
      b.screenshot("pump");

      b.open("/pump.html?serial=" + explanted.serial());
      b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
      assertThat(b.driver.findElement(By.id("pump-head")).getText()).contains("Explanted")
          .doesNotContain("Urgent").doesNotContain("Silent");
      assertThat(b.driver.findElement(By.id("pump-explant")).getText())
          .contains("Pump explanted").contains("elective replacement").contains("replaced by NGP219904H")
          .doesNotContain("doubted");

      // The doubted explant's page says so, with when, and shows the risk the twin follows.
      b.open("/pump.html?serial=" + doubted.serial());
      b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
      assertThat(b.driver.findElement(By.id("pump-head")).getText()).contains("Urgent");
      assertThat(b.driver.findElement(By.id("pump-explant")).getText())
          .contains("Pump explanted").contains("replaced by NGP219917H")
          .contains("explant doubted since " + doubtedAt + ": the pump still reports from the patient");
      b.screenshot("pump-explant-doubted");
    }
  }

  /**
   * The pump page's risk panel shows a level the twin does not follow as such: an explanted pump's two levels as
   * they stood at the explant, in no alarm colour, with their scores and evidence; a doubted explant's
   * underdose/withdrawal and overdose levels as current, followed again since the doubt.
   * Before, both explanted pumps read "Overdose: Likely" in the alarm's colour, as if someone were following it.
   */
  @Test
  void theRiskPanelShowsTheLevelsAnExplantedTwinDoesNotFollowAsHistoryNotAsAlarms() throws Exception {
    try (Browser b = new Browser(url)) {
      b.signIn(NURSE_TOKEN);
      String explantedOn = (String) b.js("return PT.fmtTime(arguments[0])", explantedAt.toEpochMilli());
      String doubtedOn = (String) b.js("return PT.fmtTime(arguments[0])", doubtedSince.toEpochMilli());

      // An implanted pump's panel as it was: its levels in their colours, nothing said of following.
      Map<String, Map<String, Object>> implanted = riskPanel(b, occluded);
      assertThat(text(implanted, "Underdose / withdrawal")).contains("Likely").doesNotContain("followed");
      assertThat(text(implanted, "Overdose")).contains("None").doesNotContain("followed");
      assertThat(colours(implanted, "Underdose / withdrawal")).containsAnyElementsOf(alarmColours(b));

      Map<String, Map<String, Object>> out = riskPanel(b, explanted);
      assertThat(text(out, "Overdose")).contains("Likely").contains("score 0.70")
          .contains("Drowsiness and dizziness reported by the caregiver")
          .contains("as at the explant " + explantedOn + ", not followed");
      assertThat(text(out, "Underdose / withdrawal")).contains("as at the explant " + explantedOn + ", not followed");
      assertThat(colours(out, "Overdose")).doesNotContainAnyElementsOf(alarmColours(b));
      assertThat(colours(out, "Underdose / withdrawal")).doesNotContainAnyElementsOf(alarmColours(b));
      b.screenshot("pump-explanted-risk");

      Map<String, Map<String, Object>> inDoubt = riskPanel(b, doubted);
      assertThat(text(inDoubt, "Underdose / withdrawal")).contains("Urgent")
          .contains("followed again since " + doubtedOn).doesNotContain("not followed");
      assertThat(colours(inDoubt, "Underdose / withdrawal")).containsAnyElementsOf(alarmColours(b));
      assertThat(text(inDoubt, "Overdose")).contains("Likely").contains("score 0.70")
          .contains("Drowsiness and dizziness reported by the caregiver")
          .contains("followed again since " + doubtedOn).doesNotContain("not followed");
      assertThat(colours(inDoubt, "Overdose")).containsAnyElementsOf(alarmColours(b));
    }
  }

  /**
   * An explanted pump's figures stand as they were at the explant and nothing is raised on them, so the pump page's
   * tiles and the fleet row show them as history, values kept, in no alarm colour: its reservoir band at the alarm
   * volume, its battery at ERI, its catheter fault likely (and the weights of the evidence behind it). A doubted
   * explant's keep their colours (the twin works them out from the pump's reports and the pump may be in a patient),
   * and so do an implanted pump's. Before, the explanted pump read red and orange on both pages, as if it needed
   * someone, and ranked above the implanted pumps of its risk level by its catheter likelihood.
   */
  @Test
  void theFiguresOfAnExplantedTwinAreShownAsHistoryNotAsAlarmsOnItsPageAndItsRow() throws Exception {
    try (Browser b = new Browser(url)) {
      b.signIn(NURSE_TOKEN);
      List<String> alarm = alarmColours(b);

      // The fleet: the explanted row's cells keep their figures in no alarm colour, and it ranks last of its level.
      Map<String, Map<String, Object>> out = fleetRow(b, explanted);
      for (String cell : List.of("reservoirMl", "daysToRefillDue", "batteryPercent", "catheterProbability")) {
        assertThat(colours(out, cell)).as(cell).doesNotContainAnyElementsOf(alarm);
      }
      assertThat(text(out, "reservoirMl")).contains("3.4 mL").contains("as at the explant");
      assertThat(text(out, "batteryPercent")).contains("4%").contains("ERI");
      assertThat(text(out, "catheterProbability")).contains("45%").contains("Occlusion");
      List<String> rows = rowSerials(b);
      assertThat(rows.get(rows.size() - 1)).isEqualTo(explanted.serial());
      // A doubted explant's reservoir, and an implanted pump's catheter and battery, in their alarm colours.
      assertThat(colours(fleetRow(b, doubted), "reservoirMl")).containsAnyElementsOf(alarm);
      assertThat(text(fleetRow(b, doubted), "reservoirMl")).doesNotContain("as at the explant");
      assertThat(colours(fleetRow(b, occluded), "catheterProbability")).containsAnyElementsOf(alarm);
      assertThat(colours(fleetRow(b, eri), "batteryPercent")).containsAnyElementsOf(alarm);

      // The pump page: every tile of the explanted pump as history, its value kept, "as at the explant".
      Map<String, Map<String, Object>> tiles = pumpTiles(b, explanted);
      assertThat(tiles).containsKeys("Reservoir estimate", "Refill due", "Low reservoir", "Empty", "Catheter fault",
          "Battery", "Dose");
      tiles.keySet().forEach(tile -> assertThat(colours(tiles, tile)).as(tile).doesNotContainAnyElementsOf(alarm));
      assertThat(text(tiles, "Reservoir estimate")).contains("3.4 mL").contains("as at the explant");
      assertThat(text(tiles, "Empty")).contains("as at the explant");
      assertThat(text(tiles, "Catheter fault")).contains("45%").contains("as at the explant");
      assertThat(text(tiles, "Battery")).contains("4%").contains("ERI").contains("as at the explant");
      // The evidence behind its catheter likelihood, kept with its weights, as history too (like the risk panel's).
      assertThat(b.driver.findElement(By.id("catheter-evidence")).getText()).contains("+2.10");
      assertThat(catheterEvidenceColours(b)).doesNotContainAnyElementsOf(alarm);
      // Its charts too: the low-reservoir line, its refill's residual and its catheter line in no alarm colour, and
      // no projection to empty or refill due ahead of a pump out of its patient.
      assertThat(chartColours(b)).doesNotContainAnyElementsOf(alarm);
      assertThat(chartLooksAhead(b)).isFalse();
      b.screenshot("pump-explanted-tiles");

      Map<String, Map<String, Object>> inDoubt = pumpTiles(b, doubted);
      assertThat(colours(inDoubt, "Reservoir estimate")).containsAnyElementsOf(alarm);
      assertThat(colours(inDoubt, "Empty")).containsAnyElementsOf(alarm);
      assertThat(inDoubt.values()).allSatisfy(t -> assertThat((String) t.get("text")).doesNotContain("as at the explant"));

      Map<String, Map<String, Object>> implanted = pumpTiles(b, occluded);
      assertThat(colours(implanted, "Catheter fault")).containsAnyElementsOf(alarm);
      assertThat(colours(implanted, "Empty")).containsAnyElementsOf(alarm);
      assertThat(catheterEvidenceColours(b)).containsAnyElementsOf(alarm);
      assertThat(chartColours(b)).containsAnyElementsOf(alarm);
      assertThat(chartLooksAhead(b)).isTrue();
      assertThat(implanted.values()).allSatisfy(t -> assertThat((String) t.get("text")).doesNotContain("as at the explant"));
      assertThat(colours(pumpTiles(b, eri), "Battery")).containsAnyElementsOf(alarm);
    }
  }

  /**
   * A pump page's tiles by label: the tile's text, and the colours it is shown in (its edge, and the text and
   * background of each of its parts).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> pumpTiles(Browser b, PumpScenario pump) {
    b.open("/pump.html?serial=" + pump.serial());
    b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    return (Map<String, Map<String, Object>>) b.js("""
        const out = {};
        for (const tile of document.querySelectorAll('#pump-tiles .tile')) {
          const style = e => getComputedStyle(e);
          out[tile.querySelector('.label').textContent] = { text: tile.innerText, colours: [style(tile).borderLeftColor,
            ...[...tile.querySelectorAll('*')].flatMap(e => [style(e).color, style(e).backgroundColor])] };
        }
        return out;""");
  }

  /** The colours of the weights in the open pump page's catheter-fault evidence. */
  @SuppressWarnings("unchecked")
  private static List<String> catheterEvidenceColours(Browser b) {
    return (List<String>) b.js("return [...document.querySelectorAll('#catheter-evidence .num')]"
        + ".flatMap(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])");
  }

  /**
   * The colours the pump page's two charts draw in (stroke and fill of every shape and label), but the event strip's
   * markers, whose colours name the kind of event (alarm, symptom, alert...), not a state calling for someone.
   */
  @SuppressWarnings("unchecked")
  private static List<String> chartColours(Browser b) {
    return (List<String>) b.js("return [...document.querySelectorAll('#reservoir-svg *, #catheter-svg *')]"
        + ".filter(e => !e.closest('g.event-marker'))"
        + ".flatMap(e => [getComputedStyle(e).stroke, getComputedStyle(e).fill])");
  }

  /** Whether the pump page's reservoir chart draws a projection to empty or a refill-due marker. */
  private static boolean chartLooksAhead(Browser b) {
    return (Boolean) b.js("return [...document.querySelectorAll('#reservoir-svg title, #reservoir-svg text')]"
        + ".some(e => /Projected empty|refill due/.test(e.textContent))");
  }

  /**
   * A pump's row in the fleet table, cell by cell (by its column's sort key): the cell's text, and the colours it is
   * shown in (text, background and, for the reservoir gauge, the fill of each of its parts).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> fleetRow(Browser b, PumpScenario pump) {
    return (Map<String, Map<String, Object>>) b.js("""
        const keys = [...document.querySelectorAll('#fleet-table th')].map(th => th.dataset.sort);
        const row = document.querySelector(`#fleet-body tr[data-serial='${arguments[0]}']`);
        const out = {};
        [...row.children].forEach((cell, i) => {
          const style = e => getComputedStyle(e);
          out[keys[i]] = { text: cell.innerText, colours: [cell, ...cell.querySelectorAll('*')].flatMap(e =>
            [style(e).color, style(e).backgroundColor, ...(e instanceof SVGElement ? [style(e).fill] : [])]) };
        });
        return out;""", pump.serial());
  }

  /**
   * A pump's risk panel, level by level (by its heading): the level's text, and the colours its level pill and
   * evidence weights are shown in (text and background).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> riskPanel(Browser b, PumpScenario pump) {
    b.open("/pump.html?serial=" + pump.serial());
    b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    return (Map<String, Map<String, Object>>) b.js("""
        const out = {};
        for (const level of document.querySelectorAll('#risk-evidence > div')) {
          const shown = [level.querySelector('.pill'), ...level.querySelectorAll('.evidence-list .num')];
          out[level.querySelector('b').textContent] = { text: level.innerText,
            colours: shown.flatMap(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]) };
        }
        return out;""");
  }

  private static String text(Map<String, Map<String, Object>> panel, String level) {
    assertThat(panel).containsKey(level);
    return (String) panel.get(level).get("text");
  }

  @SuppressWarnings("unchecked")
  private static List<String> colours(Map<String, Map<String, Object>> panel, String level) {
    assertThat(panel).containsKey(level);
    return (List<String>) panel.get(level).get("colours");
  }

  /** The colours the page gives a risk that calls for someone (URGENT, LIKELY, WATCH), text and background. */
  @SuppressWarnings("unchecked")
  private static List<String> alarmColours(Browser b) {
    return (List<String>) b.js("""
        return ['URGENT', 'LIKELY', 'WATCH'].flatMap(level => {
          const probe = document.createElement('span');
          probe.className = 'pill ' + level;
          document.body.append(probe);
          const c = getComputedStyle(probe), colours = [c.color, c.backgroundColor];
          probe.remove();
          return colours;
        });""");
  }

  /** A fleet tile's value, by its label. */
  private static String tile(Browser b, String label) {
    return (String) b.js("return [...document.querySelectorAll('#tiles .tile')].find(t => "
        + "t.querySelector('.label').textContent === arguments[0]).querySelector('.value').textContent", label);
  }

  @Test
  void anAlertArrivesLiveAndAcknowledgingItSendsACommandAndTheCardFollowsAlerting() throws Exception {
    try (Browser b = new Browser(url);
        KafkaConsumer<String, AlertCommand> commands = stack.consumer(Topics.ALERT_COMMANDS)) {
      b.signIn(NURSE_TOKEN);
      b.open("/alerts.html");
      b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-stream-ready")));
      assertThat(b.driver.findElement(By.id("live-text")).getText()).isEqualTo("Live");
      b.js("window.__sameDocument = true");

      String alertId = id();
      Instant at = Instant.now();
      send(stalled.alert(alertId, AlertType.PUMP_CRITICAL_ALARM, AlertTransition.OPENED,
          AlertStatus.OPEN, Severity.CRITICAL, RiskLevel.URGENT, at, at, null,
          "Critical pump alarm: motor stall at 800 mcg/day, delivery stopped",
          List.of(new Evidence("MOTOR_STALL", at, "Motor stall logged by pump; rotor study advised", 0.0, null))));
      By card = By.cssSelector("#alerts-open [data-alert-id='" + alertId + "']");
      b.waitFor(card);
      assertThat(b.js("return window.__sameDocument === true")).isEqualTo(true); // no reload
      // Newest and most severe first.
      assertThat(b.driver.findElements(By.cssSelector("#alerts-open [data-alert-id]")).get(0)
          .getAttribute("data-alert-id")).isEqualTo(alertId);
      assertThat(b.driver.findElement(card).getText()).contains("Motor stall logged by pump");
      b.screenshot("alerts");

      b.driver.findElement(card).findElement(By.cssSelector("button[data-action=acknowledge]")).click();
      b.waitUntil(d -> d.findElement(card).getText().contains("Acknowledgement sent"));

      AlertCommand command = awaitCommand(commands, stalled.serial(), AlertType.PUMP_CRITICAL_ALARM);
      assertThat(command.getAction()).isEqualTo(AlertAction.ACKNOWLEDGE);
      assertThat(command.getUserId()).isEqualTo("nurse-north-17");
      assertThat(command.getRole()).isEqualTo(StaffRole.ON_CALL);
      assertThat(command.getClinicId()).isEqualTo(NORTH);

      // Alerting (another service) applies the command and publishes the acknowledgement.
      send(stalled.alert(alertId, AlertType.PUMP_CRITICAL_ALARM, AlertTransition.ACKNOWLEDGED,
          AlertStatus.ACKNOWLEDGED, Severity.CRITICAL, RiskLevel.URGENT, Instant.now(), at,
          "nurse-north-17", "Critical pump alarm: motor stall at 800 mcg/day, delivery stopped", List.of()));
      By taken = By.cssSelector("#alerts-taken [data-alert-id='" + alertId + "'][data-status=ACKNOWLEDGED]");
      b.waitFor(taken);
      assertThat(b.driver.findElement(taken).getText()).contains("Acknowledged by nurse-north-17");
      assertThat(b.driver.findElements(card)).isEmpty();
      assertThat(b.driver.findElement(taken)
          .findElement(By.cssSelector("button[data-action=acknowledge]")).isEnabled()).isFalse();
      b.screenshot("alerts-after-acknowledge");
    }
  }

  @Test
  void aViewerSeesAlertsButCannotAcknowledgeOrSilence() throws Exception {
    try (Browser b = new Browser(url)) {
      b.signIn(VIEWER_TOKEN);
      assertThat(b.driver.findElement(By.id("who-role")).getText()).isEqualTo("VIEWER");
      b.open("/alerts.html");
      b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-stream-ready")));
      List<WebElement> buttons = b.driver.findElements(By.cssSelector("#alerts-open button[data-action]"));
      assertThat(buttons).isNotEmpty().allSatisfy(btn -> assertThat(btn.isEnabled()).isFalse());
      assertThat(b.driver.findElement(By.id("viewer-note")).isDisplayed()).isTrue();
      b.screenshot("alerts-viewer");
    }
    String openAlert = json.readTree(get("/api/alerts", VIEWER_TOKEN).body()).get(0).get("alertId").asText();
    HttpResponse<String> refused = post("/api/alerts/" + openAlert + "/acknowledge", VIEWER_TOKEN, "{}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("VIEWER");
    assertThat(post("/api/alerts/" + openAlert + "/silence", VIEWER_TOKEN, "{\"hours\":4}").statusCode()).isEqualTo(403);
  }

  @Test
  void silencingSendsACommandWithThePlannedEndAndRefusesAnOpenEndedOne() throws Exception {
    try (KafkaConsumer<String, AlertCommand> commands = stack.consumer(Topics.ALERT_COMMANDS)) {
      String alertId = id();
      Instant at = Instant.now();
      send(dueSoon.alert(alertId, AlertType.REFILL_URGENT, AlertTransition.OPENED, AlertStatus.OPEN,
          Severity.HIGH, RiskLevel.LIKELY, at, at, null, "Refill urgent", List.of()));
      await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/alerts", NURSE_TOKEN).body().contains(alertId));

      assertThat(post("/api/alerts/" + alertId + "/silence", NURSE_TOKEN, "{}").statusCode()).isEqualTo(400);
      assertThat(post("/api/alerts/" + alertId + "/silence", NURSE_TOKEN, "{\"hours\": 200}").statusCode()).isEqualTo(400);
      assertThat(post("/api/alerts/" + alertId + "/silence", NURSE_TOKEN, "not json").statusCode()).isEqualTo(400);
      HttpResponse<String> accepted = post("/api/alerts/" + alertId + "/silence", NURSE_TOKEN,
          "{\"hours\": 4, \"reason\": \"refill booked for this afternoon\"}");
      assertThat(accepted.statusCode()).isEqualTo(202);
      String commandId = json.readTree(accepted.body()).get("commandId").asText();

      AlertCommand command = awaitCommand(commands, dueSoon.serial(), AlertType.REFILL_URGENT);
      assertThat(command.getCommandId()).isEqualTo(commandId);
      assertThat(command.getAction()).isEqualTo(AlertAction.SILENCE);
      assertThat(command.getReason()).isEqualTo("refill booked for this afternoon");
      assertThat(Duration.between(command.getIssuedAt(), command.getSilenceUntil())).isEqualTo(Duration.ofHours(4));
    }
  }

  @Test
  void theRootLeadsToTheFleetAndSigningOutEndsTheSession() throws Exception {
    HttpResponse<String> root = get("/", null);
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).contains("/fleet.html");
    try (Browser b = new Browser(url)) {
      b.open("/fleet.html");
      b.waitFor(By.id("token")); // not signed in: sent to the sign-in page
      b.signIn(NURSE_TOKEN);
      b.driver.findElement(By.id("sign-out")).click();
      b.waitFor(By.id("token"));
      b.open("/fleet.html");
      b.waitFor(By.id("token"));
      assertThat(b.driver.getCurrentUrl()).contains("/signin.html?next=");
    }
  }

  @Test
  void aUserOfOneClinicNeverSeesAnotherClinicInTheUiTheApiOrTheLiveStream() throws Exception {
    // API: the fleet, the alerts and a pump of the other clinic do not exist for them.
    JsonNode fleet = json.readTree(get("/api/fleet", NURSE_TOKEN).body()).get("pumps");
    assertThat(fleet).isNotEmpty().allSatisfy(p -> assertThat(p.get("clinicId").asText()).isEqualTo(NORTH));
    JsonNode alertsNorth = json.readTree(get("/api/alerts", NURSE_TOKEN).body());
    assertThat(alertsNorth).allSatisfy(a -> assertThat(a.get("clinicId").asText()).isEqualTo(NORTH));
    assertThat(get("/api/pumps/" + southStalled.serial(), NURSE_TOKEN).statusCode()).isEqualTo(404);
    assertThat(get("/api/fleet?clinic=" + SOUTH, NURSE_TOKEN).body()).doesNotContain("NGP3177");
    String southAlert = json.readTree(get("/api/alerts", SOUTH_TOKEN).body()).get(0).get("alertId").asText();
    assertThat(post("/api/alerts/" + southAlert + "/acknowledge", NURSE_TOKEN, "{}").statusCode()).isEqualTo(404);
    assertThat(get("/api/fleet", null).statusCode()).isEqualTo(401);

    // The live stream, read raw, and the page, both signed in for the north clinic.
    List<String> streamLines = new CopyOnWriteArrayList<>();
    HttpRequest streamRequest = HttpRequest.newBuilder(URI.create(url + "api/alerts/stream"))
        .header("Authorization", "Bearer " + NURSE_TOKEN).header("Accept", "text/event-stream").GET().build();
    var streaming = http.sendAsync(streamRequest, HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(streamLines::add));
    try (Browser b = new Browser(url)) {
      b.signIn(NURSE_TOKEN);
      b.open("/pump.html?serial=" + southStalled.serial());
      b.waitFor(By.id("pump-missing"));
      assertThat(b.driver.getPageSource()).doesNotContain("P-0B7D66");
      b.open("/alerts.html");
      b.waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-stream-ready")));
      await().atMost(Duration.ofSeconds(30)).until(() -> streamLines.stream().anyMatch(l -> l.startsWith("event: snapshot")));

      // A south alert first; once the south user's view has it, a north one. The stream is
      // ordered, so by the time the north one arrives the south one would have been written.
      String southId = id();
      send(southStalled.alert(southId, AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertTransition.OPENED,
          AlertStatus.OPEN, Severity.CRITICAL, RiskLevel.URGENT, Instant.now(), Instant.now(), null,
          "SOUTH-ONLY withdrawal risk", List.of()));
      await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/alerts", SOUTH_TOKEN).body().contains(southId));
      String northId = id();
      send(occluded.alert(northId, AlertType.REFILL_URGENT, AlertTransition.OPENED, AlertStatus.OPEN,
          Severity.HIGH, RiskLevel.LIKELY, Instant.now(), Instant.now(), null,
          "Refill urgent: band's early edge reaches the alarm volume in 5 days", List.of()));
      await().atMost(Duration.ofSeconds(30)).until(() -> streamLines.stream().anyMatch(l -> l.contains(northId)));
      b.waitFor(By.cssSelector("[data-alert-id='" + northId + "']"));

      assertThat(streamLines).noneMatch(l -> l.contains(southId) || l.contains(SOUTH) || l.contains("NGP3177"));
      assertThat(b.driver.findElements(By.cssSelector("[data-clinic='" + SOUTH + "']"))).isEmpty();
      assertThat(b.driver.getPageSource()).doesNotContain(southId).doesNotContain("SOUTH-ONLY");
    } finally {
      streaming.cancel(true);
    }
  }

  @Test
  void aRecordItCannotReadIsDeadLetteredAndTheFeedGoesOn() throws Exception {
    try (KafkaConsumer<String, DeadLetter> dlq = stack.consumer(Topics.TELEMETRY_DLQ);
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(stack.producerConfig(),
            new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.ALERTS.name(), occluded.serial(), "not avro".getBytes())).get();
      String after = id();
      send(occluded.alert(after, AlertType.BATTERY_ERI, AlertTransition.OPENED, AlertStatus.OPEN,
          Severity.LOW, RiskLevel.WATCH, Instant.now(), Instant.now(), null, "after the bad record", List.of()));
      await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/alerts", NURSE_TOKEN).body().contains(after));

      List<ConsumerRecord<String, DeadLetter>> letters = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        dlq.poll(Duration.ofMillis(200)).forEach(letters::add);
        return letters.stream().anyMatch(r -> "dashboard".equals(r.value().getStage()));
      });
      DeadLetter letter = letters.stream().map(ConsumerRecord::value)
          .filter(l -> "dashboard".equals(l.getStage())).findFirst().orElseThrow();
      assertThat(letter.getOriginTopic()).isEqualTo(Topics.ALERTS.name());
      assertThat(letter.getReasonCode()).isEqualTo("UNDECODABLE");
      assertThat(letter.getPumpSerial()).isEqualTo(occluded.serial());
      assertThat(new String(letter.getRawValue().array())).isEqualTo("not avro");
      assertThat(json.readTree(get("/api/health", null).body()).get("recordsRejected").asLong()).isGreaterThanOrEqualTo(1);
    }
  }

  private AlertCommand awaitCommand(KafkaConsumer<String, AlertCommand> consumer, String serial,
      AlertType type) {
    List<AlertCommand> seen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
      return seen.stream().anyMatch(c -> c.getPumpSerial().equals(serial) && c.getAlertType() == type);
    });
    return seen.stream().filter(c -> c.getPumpSerial().equals(serial) && c.getAlertType() == type)
        .findFirst().orElseThrow();
  }

  private void send(AlertEvent event) throws Exception {
    alerts.send(new ProducerRecord<>(Topics.ALERTS.name(), event.getPumpSerial(), event)).get();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + path.substring(1))).GET();
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + path.substring(1)))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Read in one script: the table re-renders when its data refreshes, which would stale elements. */
  @SuppressWarnings("unchecked")
  private static List<String> rowSerials(Browser b) {
    return (List<String>) b.js("return [...document.querySelectorAll('#fleet-body tr[data-serial]')]"
        + ".map(e => e.dataset.serial)");
  }

  private static List<String> serials(List<PumpScenario> pumps) {
    return pumps.stream().map(PumpScenario::serial).toList();
  }

  private String soonestRefill(List<PumpScenario> pumps) throws Exception {
    JsonNode fleet = json.readTree(get("/api/fleet", NURSE_TOKEN).body()).get("pumps");
    String best = null;
    double days = Double.MAX_VALUE;
    for (JsonNode p : fleet) {
      if (p.get("daysToRefillDue").isNull()) {
        continue; // no projection (an explanted pump): sorted last
      }
      if (p.get("daysToRefillDue").asDouble() < days) {
        days = p.get("daysToRefillDue").asDouble();
        best = p.get("pumpSerial").asText();
      }
    }
    return best;
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> r = new ArrayList<>(list);
    java.util.Collections.reverse(r);
    return r;
  }

  private static List<PumpScenario> concat(List<PumpScenario> a, List<PumpScenario> b) {
    List<PumpScenario> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String id() {
    return "al-" + UUID.randomUUID().toString().substring(0, 12);
  }
}
