package io.pumptwin.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pumptwin.dashboard.access.StaffMember;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.ExplantReason;
import io.pumptwin.events.ExplantSummary;
import io.pumptwin.events.RiskAssessment;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetViewTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final StaffMember NORTH = new StaffMember("nurse-1", StaffRole.ON_CALL, Set.of("north"));
  static final StaffMember BOTH = new StaffMember("admin-1", StaffRole.ADMIN, Set.of("north", "south"));

  final List<AlertCard> told = new ArrayList<>();
  final FleetView view = new FleetView(ViewLimits.defaults(), told::add);

  static io.pumptwin.dashboard.PumpScenarioAccess pump(String serial, String clinic, boolean occluded,
      boolean silent, DeliveryStatus delivery, RiskLevel risk) {
    return new io.pumptwin.dashboard.PumpScenarioAccess(serial, clinic, NOW, occluded, silent, delivery, risk);
  }

  private void load(io.pumptwin.dashboard.PumpScenarioAccess p) {
    p.twinStates().forEach(view::apply);
    p.telemetry().forEach(view::apply);
  }

  @Test
  void aPersonSeesOnlyTheirClinicsPumpsAndAlerts() {
    var a = pump("NA-1", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    var b = pump("SB-1", "south", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    load(a);
    load(b);
    view.apply(b.alert("al-south", AlertType.REFILL_DUE, AlertStatus.OPEN, Severity.MEDIUM, NOW));

    assertThat(view.fleet(NORTH, FleetFilter.none())).extracting(PumpRow::pumpSerial).containsExactly("NA-1");
    assertThat(view.unresolvedAlerts(NORTH)).isEmpty();
    assertThat(view.unresolvedAlert("al-south", NORTH)).isEmpty();
    assertThat(view.story("SB-1", NORTH)).isEmpty();
    assertThat(view.fleet(BOTH, FleetFilter.none())).hasSize(2);
    assertThat(view.unresolvedAlerts(BOTH)).extracting(AlertCard::alertId).containsExactly("al-south");
  }

  @Test
  void fleetIsGravestFirstAndFiltersByRiskRefillWindowAndSilence() {
    load(pump("N-OK", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE));
    load(pump("N-STALL", "north", false, false, DeliveryStatus.STOPPED, RiskLevel.URGENT));
    load(pump("N-QUIET", "north", false, true, DeliveryStatus.DELIVERING, RiskLevel.NONE));

    List<PumpRow> all = view.fleet(NORTH, FleetFilter.none());
    assertThat(all.get(0).pumpSerial()).isEqualTo("N-STALL");
    assertThat(all.get(0).riskLevel()).isEqualTo(RiskLevel.URGENT);
    assertThat(all.get(0).riskCause()).isEqualTo("UNDERDOSE");

    assertThat(view.fleet(NORTH, new FleetFilter(RiskLevel.LIKELY, null, false, null)))
        .extracting(PumpRow::pumpSerial).containsExactly("N-STALL");
    assertThat(view.fleet(NORTH, new FleetFilter(null, null, true, null)))
        .extracting(PumpRow::pumpSerial).containsExactly("N-QUIET");
    PumpRow quiet = all.stream().filter(r -> r.pumpSerial().equals("N-QUIET")).findFirst().orElseThrow();
    assertThat(quiet.silentHours()).isGreaterThanOrEqualTo(48);

    // A window that ends before any pump's refill-due date admits none; a wide one admits all.
    double soonest = all.stream().mapToDouble(PumpRow::daysToRefillDue).min().orElseThrow();
    assertThat(view.fleet(NORTH, new FleetFilter(null, Duration.ofHours((long) (soonest * 24) - 1), false, null))).isEmpty();
    assertThat(view.fleet(NORTH, new FleetFilter(null, Duration.ofDays(400), false, null))).hasSize(3);
  }

  @Test
  void anExplantedPumpIsListedAsExplantedAndIsNeitherAtRiskNorSilentNorDueARefill() {
    load(pump("N-STALL", "north", false, false, DeliveryStatus.STOPPED, RiskLevel.URGENT));
    var out = pump("N-OUT", "north", false, true, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    List<TwinState> states = new ArrayList<>(out.twinStates());
    Instant explantedAt = NOW.minus(Duration.ofHours(80));
    // The twin's last state, as the engine writes it when the clinic's explant retires the twin:
    // its risk figures stand as they were.
    states.set(states.size() - 1, io.pumptwin.dashboard.PumpScenarioAccess.withExplant(
        states.get(states.size() - 1), ExplantSummary.newBuilder().setExplantedAt(explantedAt)
            .setReason(ExplantReason.ELECTIVE_REPLACEMENT).setReplacementPumpSerial("N-NEW")
            .setSourceEventId("ev-explant").build()));
    states.forEach(view::apply);
    out.telemetry().forEach(view::apply);

    PumpRow row = view.fleet(NORTH, FleetFilter.none()).stream()
        .filter(r -> r.pumpSerial().equals("N-OUT")).findFirst().orElseThrow();
    assertThat(row.explant()).isEqualTo(new PumpRow.Explant(explantedAt, "ELECTIVE_REPLACEMENT", "N-NEW", null));
    assertThat(row.riskLevel()).isEqualTo(RiskLevel.NONE);
    assertThat(row.riskCause()).isNull();
    assertThat(row.silent()).isFalse();
    assertThat(row.daysToRefillDue()).isNull();
    assertThat(view.fleet(NORTH, new FleetFilter(RiskLevel.WATCH, null, false, null)))
        .extracting(PumpRow::pumpSerial).containsExactly("N-STALL");
    assertThat(view.fleet(NORTH, new FleetFilter(null, null, true, null))).isEmpty();
    assertThat(view.fleet(NORTH, new FleetFilter(null, Duration.ofDays(400), false, null)))
        .extracting(PumpRow::pumpSerial).containsExactly("N-STALL");
    assertThat(view.story("N-OUT", NORTH).orElseThrow().row().explant()).isEqualTo(row.explant());
  }

  /**
   * The clinic retracted an explant recorded against the wrong serial: the engine writes the twin's state again
   * without the explant, and the pump is implanted again on the dashboard, at risk and due a refill as its figures say.
   */
  @Test
  void aPumpWhoseExplantWasRetractedIsImplantedAgain() {
    var pump = pump("N-BACK", "north", false, true, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    List<TwinState> states = new ArrayList<>(pump.twinStates());
    TwinState last = states.get(states.size() - 1);
    states.set(states.size() - 1, io.pumptwin.dashboard.PumpScenarioAccess.withExplant(last,
        ExplantSummary.newBuilder().setExplantedAt(NOW.minus(Duration.ofHours(80)))
            .setReason(ExplantReason.ELECTIVE_REPLACEMENT).setReplacementPumpSerial("N-OTHER")
            .setSourceEventId("ev-wrong-explant").build()));
    states.forEach(view::apply);
    pump.telemetry().forEach(view::apply);
    assertThat(view.fleet(NORTH, FleetFilter.none())).singleElement()
        .satisfies(r -> assertThat(r.explant()).isNotNull());

    // The retraction: the same twin, a minute on, with no explant.
    TwinState reinstated = io.pumptwin.dashboard.PumpScenarioAccess.withExplant(last, null);
    reinstated.put(reinstated.getSchema().getField("asOf").pos(), last.getAsOf().plusSeconds(60));
    view.apply(reinstated);

    PumpRow row = view.fleet(NORTH, FleetFilter.none()).stream()
        .filter(r -> r.pumpSerial().equals("N-BACK")).findFirst().orElseThrow();
    assertThat(row.explant()).isNull();
    RiskLevel under = last.getUnderdose().getLevel();
    RiskLevel over = last.getOverdose().getLevel();
    assertThat(row.riskLevel()).isEqualTo(over.ordinal() > under.ordinal() ? over : under);
    assertThat(row.refillDueAt()).isNotNull().isEqualTo(last.getReservoir().getRefillDueAt());
    assertThat(row.refillDueReason()).isNotNull();
    assertThat(view.fleet(NORTH, new FleetFilter(null, Duration.ofDays(400), false, null)))
        .extracting(PumpRow::pumpSerial).containsExactly("N-BACK");
    assertThat(view.story("N-BACK", NORTH).orElseThrow().row().explant()).isNull();
  }

  /**
   * An explanted pump that reports delivery since: the twin doubts the explant, and its EXPLANT_DOUBTED alert is
   * shown to staff like any other while the pump stays listed as explanted until the clinic retracts the explant.
   */
  @Test
  void aDoubtedExplantIsAnOpenAlertOnTheExplantedPump() {
    var pump = pump("N-DOUBT", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    loadExplanted(pump, explant(NOW.minus(Duration.ofHours(80)), NOW));
    view.apply(pump.alert("al-doubt", AlertType.EXPLANT_DOUBTED, AlertStatus.OPEN, Severity.MEDIUM, NOW));

    PumpRow row = view.fleet(NORTH, FleetFilter.none()).stream()
        .filter(r -> r.pumpSerial().equals("N-DOUBT")).findFirst().orElseThrow();
    assertThat(row.explant()).isNotNull();
    assertThat(row.explant().doubtedSince()).isEqualTo(NOW);
    assertThat(row.openAlerts()).isEqualTo(1);
    assertThat(row.topAlertSeverity()).isEqualTo(Severity.MEDIUM);
    assertThat(view.unresolvedAlerts(NORTH)).singleElement().satisfies(a -> {
      assertThat(a.alertId()).isEqualTo("al-doubt");
      assertThat(a.alertType()).isEqualTo("EXPLANT_DOUBTED");
    });
  }

  /**
   * An explant recorded against the wrong serial while the pump is still in its patient: the pump stalls and raises a
   * critical alarm from the patient's home, the twin doubts the explant and follows the pump's underdose/withdrawal
   * risk again. The row shows that risk, so the pump is listed among those at risk; its refill and silence wait, as
   * their alerts do, for the clinic to retract the explant. An explant nobody doubts still shows no risk.
   */
  @Test
  void aDoubtedExplantShowsTheUnderdoseRiskTheTwinFollowsButNoRefillOrSilence() {
    load(pump("N-NOW", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE));
    // Both pumps stalled and were last heard three days before fleet time: their twins' underdose risk is urgent,
    // and both are past the silence limit.
    Instant heard = NOW.minus(Duration.ofDays(3));
    var doubted = new io.pumptwin.dashboard.PumpScenarioAccess("N-DOUBT", "north", heard, false, false,
        DeliveryStatus.STOPPED, RiskLevel.URGENT);
    var plain = new io.pumptwin.dashboard.PumpScenarioAccess("N-OUT", "north", heard, false, false,
        DeliveryStatus.STOPPED, RiskLevel.URGENT);
    Instant explantedAt = heard.minus(Duration.ofDays(4));
    Instant doubtedSince = heard.minus(Duration.ofDays(2)); // the stall's critical alarm, from the patient's home
    TwinState doubtedTwin = loadExplanted(doubted, explant(explantedAt, doubtedSince));
    TwinState plainTwin = loadExplanted(plain, explant(explantedAt, null));
    assertThat(doubtedTwin.getUnderdose().getLevel()).isEqualTo(RiskLevel.URGENT);
    assertThat(plainTwin.getUnderdose().getLevel()).isEqualTo(RiskLevel.URGENT);

    List<PumpRow> fleet = view.fleet(NORTH, FleetFilter.none());
    PumpRow row = fleet.stream().filter(r -> r.pumpSerial().equals("N-DOUBT")).findFirst().orElseThrow();
    assertThat(row.explant().doubtedSince()).isEqualTo(doubtedSince);
    assertThat(row.riskLevel()).isEqualTo(RiskLevel.URGENT);
    assertThat(row.riskCause()).isEqualTo("UNDERDOSE");
    assertThat(row.refillDueAt()).isNull();
    assertThat(row.daysToRefillDue()).isNull();
    assertThat(row.refillDueReason()).isNull();
    assertThat(row.silent()).isFalse();
    assertThat(row.silentHours()).isGreaterThanOrEqualTo(ViewLimits.defaults().silentAfter().toHours());
    assertThat(fleet.get(0).pumpSerial()).isEqualTo("N-DOUBT");
    PumpRow out = fleet.stream().filter(r -> r.pumpSerial().equals("N-OUT")).findFirst().orElseThrow();
    assertThat(out.explant().doubtedSince()).isNull();
    assertThat(out.riskLevel()).isEqualTo(RiskLevel.NONE);
    assertThat(out.riskCause()).isNull();
    assertThat(out.silent()).isFalse();

    assertThat(view.fleet(NORTH, new FleetFilter(RiskLevel.LIKELY, null, false, null)))
        .extracting(PumpRow::pumpSerial).containsExactly("N-DOUBT");
    assertThat(view.fleet(NORTH, new FleetFilter(null, null, true, null))).isEmpty();
    assertThat(view.story("N-DOUBT", NORTH).orElseThrow().row().riskLevel()).isEqualTo(RiskLevel.URGENT);
  }

  /**
   * The pump page's risk panel says which of the two risks the twin follows, so that a level nobody follows is not
   * shown as an alarm: an implanted pump's both; an explanted pump's neither, their figures standing as they were at
   * the explant (here an overdose LIKELY, kept for the record); a doubted explant's both again (the twin engine raises
   * their alerts while the pump may be in a patient). The levels, scores and evidence are kept either way.
   */
  @Test
  void thePumpsStorySaysWhichRisksTheTwinFollows() {
    RiskAssessment overdose = new RiskAssessment(RiskLevel.LIKELY, 0.7, NOW.minus(Duration.ofDays(5)),
        List.of(new io.pumptwin.events.Evidence("POCKET_FILL", NOW.minus(Duration.ofDays(5)),
            "Pocket fill suspected at the refill", 1.2, null)));
    load(pump("N-IN", "north", false, false, DeliveryStatus.STOPPED, RiskLevel.URGENT));
    var plain = pump("N-OUT", "north", false, false, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    var doubted = pump("N-DOUBT", "north", false, false, DeliveryStatus.STOPPED, RiskLevel.URGENT);
    Instant explantedAt = NOW.minus(Duration.ofDays(4));
    loadExplanted(plain, explant(explantedAt, null), overdose);
    loadExplanted(doubted, explant(explantedAt, NOW.minus(Duration.ofDays(2))), overdose);

    PumpStory.Twin in = view.story("N-IN", NORTH).orElseThrow().twin();
    assertThat(in.underdose().followed()).isTrue();
    assertThat(in.overdose().followed()).isTrue();

    PumpStory.Twin out = view.story("N-OUT", NORTH).orElseThrow().twin();
    assertThat(out.underdose()).satisfies(r -> {
      assertThat(r.followed()).isFalse();
      assertThat(r.level()).isEqualTo("URGENT");
      assertThat(r.evidence()).isNotEmpty();
    });
    assertThat(out.overdose()).satisfies(r -> {
      assertThat(r.followed()).isFalse();
      assertThat(r.level()).isEqualTo("LIKELY");
      assertThat(r.score()).isEqualTo(0.7);
      assertThat(r.since()).isEqualTo(NOW.minus(Duration.ofDays(5)));
      assertThat(r.evidence()).extracting(EvidenceItem::kind).containsExactly("POCKET_FILL");
    });

    PumpStory.Twin inDoubt = view.story("N-DOUBT", NORTH).orElseThrow().twin();
    assertThat(inDoubt.underdose().followed()).isTrue();
    assertThat(inDoubt.underdose().level()).isEqualTo("URGENT");
    assertThat(inDoubt.overdose().followed()).isTrue();
    assertThat(inDoubt.overdose().level()).isEqualTo("LIKELY");
  }

  /**
   * The row says whether the twin follows the pump, by the rule of the story's risks, so that the pages show an
   * explanted pump's reservoir, battery and catheter figures as history, not as alarms: an implanted pump's are
   * followed; an explanted pump's are not (they stand as they were at the explant, kept for the record); a doubted
   * explant's are followed again (the twin works them out from the pump's reports, only their alerts wait).
   */
  @Test
  void theRowSaysWhetherTheTwinFollowsThePumpByTheRuleOfItsRisks() {
    load(pump("N-IN", "north", true, false, DeliveryStatus.DELIVERING, RiskLevel.NONE));
    var plain = pump("N-OUT", "north", true, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    var doubted = pump("N-DOUBT", "north", true, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    Instant explantedAt = NOW.minus(Duration.ofDays(4));
    TwinState plainTwin = loadExplanted(plain, explant(explantedAt, null));
    loadExplanted(doubted, explant(explantedAt, NOW.minus(Duration.ofDays(2))));

    assertThat(view.fleet(NORTH, FleetFilter.none())).allSatisfy(r -> {
      PumpStory story = view.story(r.pumpSerial(), NORTH).orElseThrow();
      assertThat(story.row().followed()).isEqualTo(r.followed());
      assertThat(story.twin().underdose().followed()).isEqualTo(r.followed());
      assertThat(story.twin().overdose().followed()).isEqualTo(r.followed());
    }).extracting(PumpRow::pumpSerial, PumpRow::followed)
        .containsExactlyInAnyOrder(tuple("N-IN", true), tuple("N-OUT", false), tuple("N-DOUBT", true));
    PumpRow out = view.fleet(NORTH, FleetFilter.none()).stream()
        .filter(r -> r.pumpSerial().equals("N-OUT")).findFirst().orElseThrow();
    assertThat(out.catheterProbability()).isEqualTo(plainTwin.getCatheter().getProbability()).isGreaterThan(0.3);
    assertThat(out.reservoirLower95Ml()).isEqualTo(plainTwin.getReservoir().getLower95Ml());
    assertThat(out.batteryPercent()).isEqualTo(plainTwin.getBattery().getRemainingPercent());
  }

  /**
   * A doubted explant whose overdose risk is the graver of the two ranks, and is filtered, by it: the twin follows
   * both risks of a pump that may be in a patient (until 2026-12-04 the overdose waited for the retraction, and the
   * row showed NONE). A plain explant's row shows no risk.
   */
  @Test
  void aDoubtedExplantsRowShowsItsOverdoseRiskWhenThatIsTheGraver() {
    RiskAssessment overdose = new RiskAssessment(RiskLevel.URGENT, 0.8, NOW.minus(Duration.ofDays(1)),
        List.of(new io.pumptwin.events.Evidence("OVERDOSE_SYMPTOMS", NOW.minus(Duration.ofDays(1)),
            "Respiratory depression reported", 2.0, null)));
    var doubted = pump("N-DOUBT-OD", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    var plain = pump("N-OUT-OD", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    Instant explantedAt = NOW.minus(Duration.ofDays(4));
    loadExplanted(doubted, explant(explantedAt, NOW.minus(Duration.ofDays(2))), overdose);
    loadExplanted(plain, explant(explantedAt, null), overdose);

    PumpRow row = view.fleet(NORTH, FleetFilter.none()).stream()
        .filter(r -> r.pumpSerial().equals("N-DOUBT-OD")).findFirst().orElseThrow();
    assertThat(row.riskLevel()).isEqualTo(RiskLevel.URGENT);
    assertThat(row.riskCause()).isEqualTo("OVERDOSE");
    PumpRow retired = view.fleet(NORTH, FleetFilter.none()).stream()
        .filter(r -> r.pumpSerial().equals("N-OUT-OD")).findFirst().orElseThrow();
    assertThat(retired.riskLevel()).isEqualTo(RiskLevel.NONE);
    assertThat(view.fleet(NORTH, new FleetFilter(RiskLevel.URGENT, null, false, null)))
        .extracting(PumpRow::pumpSerial).contains("N-DOUBT-OD").doesNotContain("N-OUT-OD");
  }

  private static ExplantSummary explant(Instant at, Instant doubtedSince) {
    return ExplantSummary.newBuilder().setExplantedAt(at).setReason(ExplantReason.ELECTIVE_REPLACEMENT)
        .setReplacementPumpSerial("N-OTHER").setSourceEventId("ev-wrong-explant").setDoubtedSince(doubtedSince)
        .build();
  }

  /** Loads the pump with the explant on its twin's last state, as the engine writes it; returns that state. */
  private TwinState loadExplanted(io.pumptwin.dashboard.PumpScenarioAccess p, ExplantSummary explant) {
    return loadExplanted(p, explant, null);
  }

  /** As above, with {@code overdose} (unless null) as the last state's overdose assessment. */
  private TwinState loadExplanted(io.pumptwin.dashboard.PumpScenarioAccess p, ExplantSummary explant,
      RiskAssessment overdose) {
    List<TwinState> states = new ArrayList<>(p.twinStates());
    TwinState last = io.pumptwin.dashboard.PumpScenarioAccess.withExplant(states.get(states.size() - 1), explant);
    if (overdose != null) {
      last = io.pumptwin.dashboard.PumpScenarioAccess.withOverdose(last, overdose);
    }
    states.set(states.size() - 1, last);
    states.forEach(view::apply);
    p.telemetry().forEach(view::apply);
    return last;
  }

  @Test
  void alertsAreUntakenFirstThenMostSevereThenNewestAndResolvedOnesLeave() {
    var p = pump("N-1", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    load(p);
    view.apply(p.alert("a-medium-old", AlertType.REFILL_DUE, AlertStatus.OPEN, Severity.MEDIUM, NOW.minusSeconds(600)));
    view.apply(p.alert("a-medium-new", AlertType.BATTERY_ERI, AlertStatus.OPEN, Severity.MEDIUM, NOW.minusSeconds(60)));
    view.apply(p.alert("a-critical", AlertType.PUMP_CRITICAL_ALARM, AlertStatus.OPEN, Severity.CRITICAL, NOW.minusSeconds(3600)));
    view.apply(p.alert("a-taken", AlertType.CATHETER_FAULT_SUSPECTED, AlertStatus.ACKNOWLEDGED, Severity.CRITICAL, NOW));

    assertThat(view.unresolvedAlerts(NORTH)).extracting(AlertCard::alertId)
        .containsExactly("a-critical", "a-medium-new", "a-medium-old", "a-taken");
    assertThat(told).hasSize(4);

    view.apply(p.alert("a-critical", AlertType.PUMP_CRITICAL_ALARM, AlertStatus.RESOLVED, Severity.CRITICAL, NOW));
    assertThat(view.unresolvedAlerts(NORTH)).extracting(AlertCard::alertId).doesNotContain("a-critical");
    assertThat(told.get(told.size() - 1).status()).isEqualTo("RESOLVED");
    assertThat(view.story("N-1", NORTH).orElseThrow().alerts())
        .extracting(PumpStory.AlertMark::transition).contains("RESOLVED");
  }

  @Test
  void aStaleTransitionDoesNotOverwriteANewerOne() {
    var p = pump("N-1", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    load(p);
    view.apply(p.alert("a", AlertType.REFILL_DUE, AlertStatus.ACKNOWLEDGED, Severity.MEDIUM, NOW));
    view.apply(p.alert("a", AlertType.REFILL_DUE, AlertStatus.OPEN, Severity.MEDIUM, NOW.minusSeconds(60)));
    assertThat(view.unresolvedAlert("a", NORTH).orElseThrow().status()).isEqualTo("ACKNOWLEDGED");
  }

  @Test
  void theStoryCarriesTheBandRefillsEventsAndTheCatheterEvidenceThatMovedIt() {
    var p = pump("N-OCC", "north", true, false, DeliveryStatus.DELIVERING, RiskLevel.LIKELY);
    load(p);
    PumpStory story = view.story("N-OCC", NORTH).orElseThrow();

    assertThat(story.reservoir()).isNotEmpty().allSatisfy(pt -> {
      assertThat(pt.lower95Ml()).isLessThanOrEqualTo(pt.meanMl());
      assertThat(pt.upper95Ml()).isGreaterThanOrEqualTo(pt.meanMl());
    });
    assertThat(story.reservoir()).extracting(PumpStory.ReservoirPoint::at).isSorted();
    // The refill shows as a jump up in the estimate, kept even within one spacing interval.
    boolean jumped = false;
    for (int i = 1; i < story.reservoir().size(); i++) {
      jumped |= story.reservoir().get(i).meanMl() > story.reservoir().get(i - 1).meanMl() + 5;
    }
    assertThat(jumped).isTrue();
    assertThat(story.refills()).singleElement().satisfies(r ->
        assertThat(r.residualDiscrepancyMl()).isCloseTo(2.8, org.assertj.core.data.Offset.offset(1e-9)));
    assertThat(story.symptoms()).singleElement().satisfies(s -> assertThat(s.symptoms()).contains("SPASTICITY_RETURN"));
    assertThat(story.doseChanges()).singleElement().satisfies(d -> assertThat(d.newDoseMcgPerDay()).isEqualTo(520));
    // Three pieces of evidence, each attached once, to the point where the likelihood moved.
    assertThat(story.catheter()).flatExtracting(PumpStory.CatheterPoint::newEvidence)
        .extracting(EvidenceItem::kind)
        .containsExactly("RESIDUAL_EXCESS", "SYMPTOM_REPORT", "DOSE_ESCALATION_WITHOUT_EFFECT");
    assertThat(story.catheter()).extracting(PumpStory.CatheterPoint::probability).isSorted();
    assertThat(story.row().catheterProbability()).isGreaterThan(0.3);
  }

  @Test
  void historyStaysWithinItsLimitsHoweverLongTheTopics() {
    ViewLimits tight = new ViewLimits(10, Duration.ofHours(6), 5, 3, Duration.ofHours(48));
    FleetView small = new FleetView(tight, a -> { });
    var p = pump("N-1", "north", true, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    p.twinStates().forEach(small::apply);
    var telemetry = p.telemetry();
    telemetry.forEach(small::apply);
    telemetry.forEach(small::apply); // a resend of the same events: applied once

    PumpStory story = small.story("N-1", NORTH).orElseThrow();
    assertThat(story.reservoir()).hasSizeLessThanOrEqualTo(10);
    assertThat(story.reported()).hasSizeLessThanOrEqualTo(10);
    assertThat(story.catheter()).hasSizeLessThanOrEqualTo(3);
    assertThat(story.refills()).hasSize(1);
    // The newest point survives trimming: the chart always ends where the twin is now.
    assertThat(story.reservoir().get(story.reservoir().size() - 1).at()).isEqualTo(story.twin().asOf());
  }

  @Test
  void successiveStatesWithinTheSpacingKeepAtMostTwoPointsPerInterval() {
    var p = pump("N-1", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    List<TwinState> states = p.twinStates();
    FleetView v = new FleetView(new ViewLimits(1000, Duration.ofDays(2), 10, 10, Duration.ofHours(48)), a -> { });
    states.forEach(v::apply);
    List<PumpStory.ReservoirPoint> pts = v.story("N-1", NORTH).orElseThrow().reservoir();
    // states every 12 h over 80 days: about 160 states; two-day intervals keep about 2 per interval
    assertThat(pts.size()).isLessThan(states.size() / 2 + 4).isGreaterThan(20);
  }

  @Test
  void fleetTimeIsTheLatestEventTimeSeen() {
    var p = pump("N-1", "north", false, false, DeliveryStatus.DELIVERING, RiskLevel.NONE);
    load(p);
    AlertEvent late = p.alert("a", AlertType.REFILL_DUE, AlertStatus.OPEN, Severity.LOW, NOW.plusSeconds(3600));
    view.apply(late);
    assertThat(view.fleetTime()).isEqualTo(NOW.plusSeconds(3600));
    assertThat(late.getTransition()).isEqualTo(AlertTransition.OPENED);
  }
}
