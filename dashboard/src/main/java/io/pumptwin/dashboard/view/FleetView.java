package io.pumptwin.dashboard.view;

import io.pumptwin.dashboard.access.StaffMember;
import io.pumptwin.dashboard.view.PumpStory.Alarm;
import io.pumptwin.dashboard.view.PumpStory.AlertMark;
import io.pumptwin.dashboard.view.PumpStory.CatheterCheck;
import io.pumptwin.dashboard.view.PumpStory.DateBand;
import io.pumptwin.dashboard.view.PumpStory.DoseChange;
import io.pumptwin.dashboard.view.PumpStory.Refill;
import io.pumptwin.dashboard.view.PumpStory.ReportedVolume;
import io.pumptwin.dashboard.view.PumpStory.Risk;
import io.pumptwin.dashboard.view.PumpStory.SymptomReport;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.BatteryEstimate;
import io.pumptwin.events.DateProjection;
import io.pumptwin.events.ExplantSummary;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.ReservoirEstimate;
import io.pumptwin.events.RiskAssessment;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The dashboard's read model: the latest twin of every pump, each pump's bounded story, and the
 * alerts that are not resolved. Fed by {@code apply} from the topics, read by the web pages, and
 * every read is filtered by who asks.
 *
 * <p>Why in memory, with no store of its own: it is a view, not a record. Everything in it is
 * rebuilt at start from the topics that are the record — the compacted twin-state topic (latest
 * twin per pump), the alert topic (retained a year) and the telemetry topic (retained for replay) —
 * so a restart loses nothing but a few seconds of catch-up, and two dashboards never disagree for
 * long. What bounds it: one entry per pump in the fleet, each with the latest twin and at most the
 * {@link ViewLimits} of points and events, plus the unresolved alerts (at most one per pump and
 * alert type, because alerting deduplicates per (pump, type)). The one thing that does not come
 * back in full after a restart is the band history, which lives only in twin states and so only
 * as far as compaction of {@code pump.twin.state.v1} has left them.
 *
 * <p>Time: "now" on these pages is fleet time, the latest event time seen on any topic, not the
 * wall clock, for the same reason the twin engine runs on event time: a replayed or simulated
 * fleet must read the same as a live one.
 *
 * <p>Thread safety: one feed thread writes, many request threads read; every method holds the
 * view's lock, and reads return immutable copies.
 */
public final class FleetView {
  private static final double DAY_MS = 86_400_000.0;

  private final ViewLimits limits;
  private final Consumer<AlertCard> alertListener;
  private final Map<String, PumpHistory> pumps = new HashMap<>();
  private final Map<String, AlertCard> unresolved = new HashMap<>();
  private Instant fleetTime = Instant.EPOCH;
  private long recordsApplied;

  /**
   * @param alertListener told of every alert change, while the view's lock is held, so a listener
   *     that queues the change and then reads a snapshot never misses one; it must not block
   */
  public FleetView(ViewLimits limits, Consumer<AlertCard> alertListener) {
    this.limits = limits;
    this.alertListener = alertListener;
  }

  public synchronized void apply(TwinState state) {
    recordsApplied++;
    advance(state.getAsOf());
    history(state.getPumpSerial()).applyTwin(state);
  }

  public synchronized void apply(AlertEvent event) {
    recordsApplied++;
    advance(event.getEventTime());
    AlertCard card = AlertCard.of(event);
    AlertCard previous = unresolved.get(card.alertId());
    if (previous != null && card.eventTime().isBefore(previous.eventTime())) {
      return; // a stale transition behind a newer one of the same alert
    }
    PumpHistory h = history(card.pumpSerial());
    if (card.resolved()) {
      unresolved.remove(card.alertId());
      h.unresolved.remove(card.alertId());
    } else {
      unresolved.put(card.alertId(), card);
      h.unresolved.put(card.alertId(), card);
    }
    if (h.clinicId == null) {
      h.clinicId = card.clinicId();
      h.patientPseudonym = card.patientPseudonym();
    }
    h.addAlert(new AlertMark(card.eventTime(), card.alertId(), card.alertType(), card.transition(),
        card.status(), card.severity(), card.headline(), card.actor()));
    alertListener.accept(card);
  }

  public synchronized void apply(TelemetryEnvelope t) {
    recordsApplied++;
    advance(t.getEventTime());
    PumpHistory h = history(t.getPumpSerial());
    if (h.latest == null) {
      h.clinicId = t.getClinicId();
      h.patientPseudonym = t.getPatientPseudonym();
    }
    Instant at = t.getEventTime();
    String id = t.getEventId();
    Object payload = t.getPayload();
    if (payload instanceof StatusReport s) {
      h.addReported(new ReportedVolume(at, s.getPumpComputedReservoirMl(), id));
    } else if (payload instanceof PumpAlarm a) {
      h.addAlarm(new Alarm(at, a.getKind().name(), a.getCritical(), a.getDetail(), id));
    } else if (payload instanceof RefillRecord r) {
      h.addRefill(new Refill(at, r.getExpectedResidualMl(), r.getMeasuredResidualMl(),
          r.getFilledVolumeMl(), r.getConcentrationMcgPerMl(), r.getDoseMcgPerDay(),
          r.getProgrammedConcentrationMcgPerMl(), r.getPocketFillSuspected(), id));
    } else if (payload instanceof io.pumptwin.events.PrescriptionChange p) {
      h.addDoseChange(new DoseChange(at, p.getPreviousDoseMcgPerDay(), p.getNewDoseMcgPerDay(),
          p.getReason().name(), id));
    } else if (payload instanceof io.pumptwin.events.SymptomReport s) {
      h.addSymptoms(new SymptomReport(at, s.getSymptoms().stream().map(Enum::name).toList(),
          s.getSpasticityAshworth(), s.getReporter().name(), id));
    } else if (payload instanceof io.pumptwin.events.CatheterCheck c) {
      h.addCatheterCheck(new CatheterCheck(at, c.getMethod().name(), c.getResult().name(),
          c.getFaultKind() == null ? null : c.getFaultKind().name(), id));
    }
  }

  public synchronized Instant fleetTime() {
    return fleetTime;
  }

  public synchronized long recordsApplied() {
    return recordsApplied;
  }

  public synchronized int pumpsWithTwin() {
    return (int) pumps.values().stream().filter(h -> h.latest != null).count();
  }

  /**
   * The fleet table for one person: their clinics' pumps that pass the filter, gravest first. An
   * explanted pump ranks, and passes a risk filter, by the risk its row shows: none, or for a doubted
   * explant the underdose/withdrawal and overdose risks its twin follows again.
   */
  public synchronized List<PumpRow> fleet(StaffMember who, FleetFilter filter) {
    return pumps.values().stream()
        .filter(h -> h.latest != null && who.maySee(h.clinicId))
        .map(this::row)
        .filter(filter::admits)
        .sorted(Comparator.comparing(PumpRow::riskLevel).reversed()
            .thenComparing(r -> r.daysToRefillDue() == null ? Double.MAX_VALUE : r.daysToRefillDue())
            .thenComparing(PumpRow::pumpSerial))
        .toList();
  }

  /**
   * The unresolved alerts one person may see: those nobody has taken first, then by severity,
   * then newest first, so the gravest untaken alert is always on top.
   */
  public synchronized List<AlertCard> unresolvedAlerts(StaffMember who) {
    return unresolved.values().stream().filter(a -> who.maySee(a.clinicId()))
        .sorted(ALERT_ORDER).toList();
  }

  public static final Comparator<AlertCard> ALERT_ORDER =
      Comparator.comparing((AlertCard a) -> !a.needsAction())
          .thenComparing(a -> -Severity.valueOf(a.severity()).ordinal())
          .thenComparing(AlertCard::eventTime, Comparator.reverseOrder())
          .thenComparing(AlertCard::alertId);

  /** An unresolved alert, only if the person may see its clinic (else it does not exist for them). */
  public synchronized Optional<AlertCard> unresolvedAlert(String alertId, StaffMember who) {
    return Optional.ofNullable(unresolved.get(alertId)).filter(a -> who.maySee(a.clinicId()));
  }

  /** A pump's story, only if the person may see its clinic. */
  public synchronized Optional<PumpStory> story(String pumpSerial, StaffMember who) {
    PumpHistory h = pumps.get(pumpSerial);
    if (h == null || h.latest == null || !who.maySee(h.clinicId)) {
      return Optional.empty();
    }
    TwinState s = h.latest;
    ReservoirEstimate r = s.getReservoir();
    BatteryEstimate b = s.getBattery();
    PumpStory.Twin twin = new PumpStory.Twin(s.getAsOf(), r.getStdDevMl(), r.getPumpComputedMl(),
        r.getLowReservoirAlarmMl(), r.getConcentrationMcgPerMl(), r.getDailyVolumeMl(),
        r.getLastRefillAt(), band(r.getLowReservoirAt()), band(r.getEmptyAt()),
        b.getEriProjectedAt(), b.getEosProjectedAt(), b.getAdvisoryCohort(), b.getLastResetAt(),
        EvidenceItem.all(s.getCatheter().getEvidence()),
        risk(s.getUnderdose(), follows(s.getExplant())),
        risk(s.getOverdose(), follows(s.getExplant())), s.getProvenance().getModelVersion(),
        s.getProvenance().getParameterSet());
    List<AlertCard> open = h.unresolved.values().stream().sorted(ALERT_ORDER).toList();
    return Optional.of(new PumpStory(row(h), fleetTime, twin, h.reservoir(), h.reported(),
        h.refills(), h.alarms(), h.symptoms(), h.doseChanges(), h.catheterChecks(), h.alerts(),
        h.catheter(), open));
  }

  private PumpRow row(PumpHistory h) {
    TwinState s = h.latest;
    ReservoirEstimate r = s.getReservoir();
    BatteryEstimate b = s.getBattery();
    // An explanted pump is out of the patient: its figures stand as they were at the explant, and
    // no risk, refill or silence of it calls for anyone (the twin retired it, issue 6). Unless the
    // twin doubts the explant: the pump still delivers or alarms from the patient's home, so the
    // explant may be on the wrong serial and a patient in withdrawal must not read as NONE. The twin
    // then follows the underdose/withdrawal risk again and raises its alerts, so the row shows it;
    // overdose, refill and silence alerts wait for the clinic's retraction, and so does the row.
    PumpRow.Explant explant = s.getExplant() == null ? null : new PumpRow.Explant(
        s.getExplant().getExplantedAt(), s.getExplant().getReason().name(),
        s.getExplant().getReplacementPumpSerial(), s.getExplant().getDoubtedSince());
    Instant refillDueAt = explant != null ? null : r.getRefillDueAt();
    Double days = refillDueAt == null ? null
        : (refillDueAt.toEpochMilli() - fleetTime.toEpochMilli()) / DAY_MS;
    boolean followed = follows(s.getExplant());
    RiskLevel under = followed ? s.getUnderdose().getLevel() : RiskLevel.NONE;
    RiskLevel over = followed ? s.getOverdose().getLevel() : RiskLevel.NONE;
    RiskLevel risk = over.ordinal() > under.ordinal() ? over : under;
    String cause = risk == RiskLevel.NONE ? null : (risk == over && over != under ? "OVERDOSE" : "UNDERDOSE");
    String battery = b.getEosReached() ? "END_OF_SERVICE" : b.getEriReached() ? "ERI" : "OK";
    Duration quiet = Duration.between(s.getLastHeardAt(), fleetTime);
    List<AlertCard> alerts = List.copyOf(h.unresolved.values());
    boolean silentAlert = alerts.stream()
        .anyMatch(a -> AlertType.PUMP_SILENT.name().equals(a.alertType()));
    Severity top = alerts.stream().map(a -> Severity.valueOf(a.severity()))
        .max(Comparator.naturalOrder()).orElse(null);
    return new PumpRow(s.getPumpSerial(), s.getClinicId(), s.getPatientPseudonym(), r.getMeanMl(),
        r.getLower95Ml(), r.getUpper95Ml(), r.getCapacityMl(), r.getDoseMcgPerDay(),
        refillDueAt, days, explant != null ? null : r.getRefillDueReason(), b.getRemainingPercent(), battery,
        s.getCatheter().getProbability(),
        s.getCatheter().getSuspectedKind() == null ? null : s.getCatheter().getSuspectedKind().name(),
        risk, cause, s.getDelivery().name(), s.getLastHeardAt(),
        explant == null && (silentAlert || quiet.compareTo(limits.silentAfter()) >= 0),
        Math.max(0, quiet.toMillis() / 3_600_000.0), alerts.size(), top, explant, followed);
  }

  private static DateBand band(DateProjection p) {
    return p == null ? null : new DateBand(p.getEarliest(), p.getExpected(), p.getLatest());
  }

  /**
   * Whether the twin follows the pump: while it is implanted, and again while its explant is in
   * doubt (the pump still reports from the patient's home, so it may be in a patient in withdrawal,
   * or overdosed; the twin engine's PumpTwin.followedWhileRetired). A followed twin's figures move
   * with the pump's reports and its underdose/withdrawal and overdose risks raise their alerts; a
   * doubted explant's refill, battery, silence and catheter alerts still wait for the clinic to
   * retract the explant. An explant nobody doubts retired the twin: every figure of it, risks,
   * reservoir, battery and catheter alike, stands as it was at the explant, history to read and not
   * an alarm. The one rule for the row's and the story's {@code followed}.
   */
  private static boolean follows(ExplantSummary explant) {
    return explant == null || explant.getDoubtedSince() != null;
  }

  private static Risk risk(RiskAssessment a, boolean followed) {
    return new Risk(a.getLevel().name(), a.getScore(), a.getSince(), EvidenceItem.all(a.getEvidence()),
        followed);
  }

  private PumpHistory history(String serial) {
    return pumps.computeIfAbsent(serial, k -> new PumpHistory(limits));
  }

  private void advance(Instant eventTime) {
    if (eventTime != null && eventTime.isAfter(fleetTime)) {
      fleetTime = eventTime;
    }
  }
}
