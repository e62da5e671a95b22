package io.pumptwin.dashboard.view;

import io.pumptwin.dashboard.view.PumpStory.Alarm;
import io.pumptwin.dashboard.view.PumpStory.AlertMark;
import io.pumptwin.dashboard.view.PumpStory.CatheterCheck;
import io.pumptwin.dashboard.view.PumpStory.CatheterPoint;
import io.pumptwin.dashboard.view.PumpStory.DoseChange;
import io.pumptwin.dashboard.view.PumpStory.Refill;
import io.pumptwin.dashboard.view.PumpStory.ReportedVolume;
import io.pumptwin.dashboard.view.PumpStory.ReservoirPoint;
import io.pumptwin.dashboard.view.PumpStory.SymptomReport;
import io.pumptwin.events.CatheterFaultLikelihood;
import io.pumptwin.events.ReservoirEstimate;
import io.pumptwin.events.TwinState;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The bounded history of one pump, built from the records that pass by. Not thread-safe: only
 * {@link FleetView} touches it, under its lock.
 */
final class PumpHistory {
  private final ViewLimits limits;
  TwinState latest;
  String clinicId;
  String patientPseudonym;
  /** This pump's unresolved alerts by alert id (the fleet row counts them and takes the gravest). */
  final Map<String, AlertCard> unresolved = new HashMap<>();

  private final ArrayDeque<ReservoirPoint> reservoir = new ArrayDeque<>();
  private Instant lastRefillSeen;
  private final ArrayDeque<ReportedVolume> reported = new ArrayDeque<>();
  private final ArrayDeque<Refill> refills = new ArrayDeque<>();
  private final ArrayDeque<Alarm> alarms = new ArrayDeque<>();
  private final ArrayDeque<SymptomReport> symptoms = new ArrayDeque<>();
  private final ArrayDeque<DoseChange> doseChanges = new ArrayDeque<>();
  private final ArrayDeque<CatheterCheck> catheterChecks = new ArrayDeque<>();
  private final ArrayDeque<AlertMark> alerts = new ArrayDeque<>();
  private final ArrayDeque<CatheterPoint> catheter = new ArrayDeque<>();

  PumpHistory(ViewLimits limits) {
    this.limits = limits;
  }

  void applyTwin(TwinState state) {
    latest = state;
    clinicId = state.getClinicId();
    patientPseudonym = state.getPatientPseudonym();
    addReservoirPoint(state);
    addCatheterPoint(state.getAsOf(), state.getCatheter());
  }

  private void addReservoirPoint(TwinState state) {
    ReservoirEstimate r = state.getReservoir();
    Instant at = state.getAsOf();
    ReservoirPoint point = new ReservoirPoint(at, r.getMeanMl(), r.getLower95Ml(), r.getUpper95Ml());
    ReservoirPoint last = reservoir.peekLast();
    boolean refilled = !Objects.equals(r.getLastRefillAt(), lastRefillSeen);
    lastRefillSeen = r.getLastRefillAt();
    if (last != null && at.isBefore(last.at())) {
      return; // an older state replayed behind a newer one: the series only moves forward
    }
    // Keep at most two points per spacing interval (where it began, where it is now), but never
    // merge across a refill: the jump of the estimate and the collapse of its band at a refill is
    // the story the chart has to tell.
    boolean sameInterval = last != null && !refilled && intervalStart != null
        && at.isBefore(intervalStart.at().plus(limits.reservoirSpacing()));
    if (sameInterval && last != intervalStart) {
      reservoir.pollLast();
    } else if (!sameInterval) {
      intervalStart = point;
    }
    append(reservoir, point, limits.reservoirPoints());
  }

  private ReservoirPoint intervalStart;

  private void addCatheterPoint(Instant at, CatheterFaultLikelihood c) {
    CatheterPoint last = catheter.peekLast();
    Set<String> known = new HashSet<>();
    catheter.forEach(p -> p.newEvidence().forEach(e -> known.add(e.identity())));
    List<EvidenceItem> fresh = EvidenceItem.all(c.getEvidence()).stream()
        .filter(e -> !known.contains(e.identity())).toList();
    String kind = c.getSuspectedKind() == null ? null : c.getSuspectedKind().name();
    if (last != null && Math.abs(last.probability() - c.getProbability()) < 1e-9 && fresh.isEmpty()
        && Objects.equals(last.suspectedKind(), kind)) {
      return;
    }
    if (last != null && at.isBefore(last.at())) {
      return;
    }
    append(catheter, new CatheterPoint(at, c.getProbability(), kind, fresh), limits.catheterPoints());
  }

  void addReported(ReportedVolume v) {
    addOnce(reported, v, ReportedVolume::eventId, limits.reservoirPoints());
  }

  void addRefill(Refill r) {
    addOnce(refills, r, Refill::eventId, limits.timelineEvents());
  }

  void addAlarm(Alarm a) {
    addOnce(alarms, a, Alarm::eventId, limits.timelineEvents());
  }

  void addSymptoms(SymptomReport s) {
    addOnce(symptoms, s, SymptomReport::eventId, limits.timelineEvents());
  }

  void addDoseChange(DoseChange d) {
    addOnce(doseChanges, d, DoseChange::eventId, limits.timelineEvents());
  }

  void addCatheterCheck(CatheterCheck c) {
    addOnce(catheterChecks, c, CatheterCheck::eventId, limits.timelineEvents());
  }

  void addAlert(AlertMark a) {
    boolean seen = alerts.stream().anyMatch(m -> m.alertId().equals(a.alertId())
        && m.transition().equals(a.transition()) && m.at().equals(a.at()));
    if (!seen) {
      append(alerts, a, limits.timelineEvents());
    }
  }

  List<ReservoirPoint> reservoir() {
    return List.copyOf(reservoir);
  }

  List<ReportedVolume> reported() {
    return sorted(reported, ReportedVolume::at);
  }

  List<Refill> refills() {
    return sorted(refills, Refill::at);
  }

  List<Alarm> alarms() {
    return sorted(alarms, Alarm::at);
  }

  List<SymptomReport> symptoms() {
    return sorted(symptoms, SymptomReport::at);
  }

  List<DoseChange> doseChanges() {
    return sorted(doseChanges, DoseChange::at);
  }

  List<CatheterCheck> catheterChecks() {
    return sorted(catheterChecks, CatheterCheck::at);
  }

  List<AlertMark> alerts() {
    return sorted(alerts, AlertMark::at);
  }

  List<CatheterPoint> catheter() {
    return List.copyOf(catheter);
  }

  /**
   * Telemetry is applied once per event id: the gateway's idempotent produce keeps duplicates off
   * the topic, but a device that resends after a lost acknowledgement gets a new offset.
   */
  private static <T> void addOnce(ArrayDeque<T> deque, T item, Function<T, String> id, int limit) {
    String key = id.apply(item);
    if (key != null && deque.stream().anyMatch(x -> key.equals(id.apply(x)))) {
      return;
    }
    append(deque, item, limit);
  }

  private static <T> void append(ArrayDeque<T> deque, T item, int limit) {
    deque.addLast(item);
    while (deque.size() > limit) {
      deque.pollFirst();
    }
  }

  /**
   * Offset order is not event-time order: a home communicator uploads buffered events late, and
   * symptom reports arrive days after onset.
   */
  private static <T> List<T> sorted(ArrayDeque<T> deque, Function<T, Instant> at) {
    List<T> list = new ArrayList<>(deque);
    list.sort(Comparator.comparing(at));
    return List.copyOf(list);
  }
}
