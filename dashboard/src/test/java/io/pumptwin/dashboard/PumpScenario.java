package io.pumptwin.dashboard;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.BatteryEstimate;
import io.pumptwin.events.CatheterFaultKind;
import io.pumptwin.events.CatheterFaultLikelihood;
import io.pumptwin.events.DateProjection;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.DoseChangeReason;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PrescriptionChange;
import io.pumptwin.events.Provenance;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.ReservoirEstimate;
import io.pumptwin.events.RiskAssessment;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.Symptom;
import io.pumptwin.events.SymptomReport;
import io.pumptwin.events.SymptomReporter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TwinState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A plausible pump history for tests and screenshots, built the way the twin engine would see it:
 * the pump delivers its programmed daily volume, the twin's band widens with volume delivered
 * (labelled tolerance about +/-14.5%, DOMAIN.md) and collapses at each refill, where the measured
 * residual is compared with the expected one. An occluded catheter keeps drug in the pump, so its
 * residual comes back larger than expected, symptoms follow and doses get raised (DOMAIN.md).
 *
 * <p>This stands in for the twin engine's output (another service), so the dashboard can be tested
 * on topics alone; it is not the engine's model.
 */
record PumpScenario(String serial, String pseudonym, String clinic, int capacityMl,
    double concentration, double dose, Instant now, int historyDays, int lastRefillDaysAgo,
    double refillFillMl, boolean occluded, double batteryPercent, boolean silent,
    DeliveryStatus delivery, RiskLevel underdose) {

  static final double DAY_MS = 86_400_000.0;

  double dailyVolume() {
    return dose / concentration;
  }

  Instant lastRefill() {
    return now.minus(Duration.ofDays(lastRefillDaysAgo));
  }

  Instant previousRefill() {
    return now.minus(Duration.ofDays(historyDays));
  }

  Instant lastHeard() {
    return silent ? now.minus(Duration.ofHours(80)) : now.minus(Duration.ofMinutes(40));
  }

  /** Twin states every 12 hours from the previous refill to the last time the pump was heard. */
  List<TwinState> twinStates() {
    List<TwinState> out = new ArrayList<>();
    long seq = 0;
    for (Instant t = previousRefill(); !t.isAfter(lastHeard()); t = t.plus(Duration.ofHours(12))) {
      out.add(twin(t, ++seq));
    }
    out.add(twin(lastHeard(), ++seq));
    return out;
  }

  /** The twin's mean: an occluded catheter keeps the reservoir fuller than the pump believes. */
  double meanAt(Instant t) {
    Instant refill = t.isBefore(lastRefill()) ? previousRefill() : lastRefill();
    double days = (t.toEpochMilli() - refill.toEpochMilli()) / DAY_MS;
    double deliveredShare = occluded && !t.isBefore(lastRefill()) ? 0.55 : 1.0;
    return Math.max(0, refillFillMl - days * dailyVolume() * deliveredShare);
  }

  double sdAt(Instant t) {
    Instant refill = t.isBefore(lastRefill()) ? previousRefill() : lastRefill();
    double delivered = (t.toEpochMilli() - refill.toEpochMilli()) / DAY_MS * dailyVolume();
    return 0.15 + 0.07 * delivered;
  }

  double pumpComputedAt(Instant t) {
    Instant refill = t.isBefore(lastRefill()) ? previousRefill() : lastRefill();
    double days = (t.toEpochMilli() - refill.toEpochMilli()) / DAY_MS;
    return Math.max(0, refillFillMl - days * dailyVolume());
  }

  private TwinState twin(Instant t, long seq) {
    double mean = meanAt(t), sd = sdAt(t);
    double v = dailyVolume();
    long at = t.toEpochMilli();
    DateProjection empty = new DateProjection(
        Instant.ofEpochMilli(at + (long) (Math.max(0, mean - 1.96 * sd) / v * DAY_MS)),
        Instant.ofEpochMilli(at + (long) (mean / v * DAY_MS)),
        Instant.ofEpochMilli(at + (long) ((mean + 1.96 * sd) / v * DAY_MS)));
    DateProjection low = new DateProjection(
        Instant.ofEpochMilli(at + (long) (Math.max(0, mean - 2 - 1.96 * sd) / v * DAY_MS)),
        Instant.ofEpochMilli(at + (long) (Math.max(0, mean - 2) / v * DAY_MS)),
        Instant.ofEpochMilli(at + (long) (Math.max(0, mean - 2 + 1.96 * sd) / v * DAY_MS)));
    // Refill due: the band's early edge less a 7-day clinic lead time, capped by 180 days of drug
    // stability (DOMAIN.md).
    Instant byVolume = low.getEarliest().minus(Duration.ofDays(7));
    Instant byStability = lastRefill().plus(Duration.ofDays(180));
    boolean stability = byStability.isBefore(byVolume);
    ReservoirEstimate reservoir = ReservoirEstimate.newBuilder()
        .setMeanMl(mean).setStdDevMl(sd).setLower95Ml(Math.max(0, mean - 1.96 * sd))
        .setUpper95Ml(mean + 1.96 * sd).setPumpComputedMl(pumpComputedAt(t)).setCapacityMl(capacityMl)
        .setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(concentration).setDoseMcgPerDay(dose)
        .setDailyVolumeMl(v).setLastRefillAt(t.isBefore(lastRefill()) ? previousRefill() : lastRefill())
        .setLowReservoirAt(low).setEmptyAt(empty)
        .setRefillDueAt(stability ? byStability : byVolume)
        .setRefillDueReason(stability ? "DRUG_STABILITY" : "RESERVOIR").build();
    BatteryEstimate battery = BatteryEstimate.newBuilder().setRemainingPercent(batteryPercent)
        .setEriProjectedAt(now.plus(Duration.ofDays((long) (batteryPercent * 20))))
        .setEosProjectedAt(now.plus(Duration.ofDays((long) (batteryPercent * 20 + 90))))
        .setEriReached(batteryPercent < 8).setEosReached(false).setAdvisoryCohort(false)
        .setLastResetAt(null).build();
    List<Evidence> catheterEvidence = catheterEvidenceUntil(t);
    double p = 0.03;
    for (Evidence e : catheterEvidence) {
      double odds = p / (1 - p) * Math.exp(e.getWeight());
      p = odds / (1 + odds);
    }
    List<Evidence> underEvidence = new ArrayList<>();
    RiskLevel under = RiskLevel.NONE;
    if (underdose != RiskLevel.NONE && !t.isBefore(now.minus(Duration.ofDays(3)))) {
      under = underdose;
      underEvidence.add(new Evidence(delivery == DeliveryStatus.STOPPED ? "DELIVERY_STOPPED" : "SYMPTOM_REPORT",
          now.minus(Duration.ofDays(2)), delivery == DeliveryStatus.STOPPED
              ? "Motor stall reported; no delivery since, at " + (int) dose + " mcg/day"
              : "Return of spasticity and pruritus reported by the patient", 1.4, null));
    }
    return TwinState.newBuilder()
        .setPumpSerial(serial).setPatientPseudonym(pseudonym).setClinicId(clinic)
        .setAsOf(t).setLastHeardAt(t).setLastSequence(seq).setEventsApplied(seq)
        .setReservoir(reservoir).setBattery(battery)
        .setCatheter(new CatheterFaultLikelihood(p,
            p > 0.3 ? CatheterFaultKind.OCCLUSION : null, catheterEvidence))
        .setDelivery(t.isBefore(now.minus(Duration.ofDays(2))) ? DeliveryStatus.DELIVERING : delivery)
        .setUnderdose(new RiskAssessment(under, under.ordinal() / 3.0,
            under == RiskLevel.NONE ? null : now.minus(Duration.ofDays(2)), underEvidence))
        .setOverdose(new RiskAssessment(RiskLevel.NONE, 0.02, null, List.of()))
        .setProvenance(new Provenance("twin-0.1.0", "default", "5f0c3e1a9b2d4c6e8f1a3b5c7d9e0f12", List.of()))
        .build();
  }

  /** What moved an occluded pump's catheter likelihood, in order (log-likelihood ratios). */
  List<Evidence> catheterEvidenceUntil(Instant t) {
    if (!occluded) {
      return List.of();
    }
    List<Evidence> all = List.of(
        new Evidence("RESIDUAL_EXCESS", lastRefill(),
            String.format(java.util.Locale.ROOT, "Residual %.1f mL larger than expected at refill",
                occlusionExcess()), 2.1, null),
        new Evidence("SYMPTOM_REPORT", lastRefill().plus(Duration.ofDays(9)),
            "Return of spasticity reported by caregiver", 0.9, null),
        new Evidence("DOSE_ESCALATION_WITHOUT_EFFECT", lastRefill().plus(Duration.ofDays(14)),
            "Dose raised 450 -> 520 mcg/day for uncontrolled spasticity", 0.9, null));
    return all.stream().filter(e -> !e.getObservedAt().isAfter(t)).toList();
  }

  double occlusionExcess() {
    return occluded ? 2.8 : 0.3;
  }

  /** Daily status reports, the refill visit, and for the occluded pump its symptoms and dose change. */
  List<TelemetryEnvelope> telemetry() {
    List<TelemetryEnvelope> out = new ArrayList<>();
    long seq = 1000;
    for (Instant t = previousRefill().plus(Duration.ofHours(6)); t.isBefore(lastHeard());
        t = t.plus(Duration.ofDays(1))) {
      out.add(envelope(t, ++seq, StatusReport.newBuilder().setPumpComputedReservoirMl(pumpComputedAt(t))
          .setReservoirCapacityMl(capacityMl).setLowReservoirAlarmMl(2.0)
          .setConcentrationMcgPerMl(concentration).setDoseMcgPerDay(dose)
          .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS).setBatteryRemainingPercent(batteryPercent)
          .setBatteryVoltageV(null).setActiveAlarms(List.of()).setManufacturedOn(null).build()));
    }
    double expected = pumpComputedAt(lastRefill().minusMillis(1));
    out.add(envelope(lastRefill(), ++seq, RefillRecord.newBuilder()
        .setExpectedResidualMl(expected).setMeasuredResidualMl(expected + occlusionExcess())
        .setFilledVolumeMl(refillFillMl - expected - occlusionExcess()).setReservoirCapacityMl(capacityMl)
        .setConcentrationMcgPerMl(concentration).setDoseMcgPerDay(dose).setLowReservoirAlarmMl(2.0)
        .setProgrammedConcentrationMcgPerMl(null).setPocketFillSuspected(false).build()));
    if (occluded) {
      out.add(envelope(lastRefill().plus(Duration.ofDays(9)), ++seq, SymptomReport.newBuilder()
          .setSymptoms(List.of(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS)).setSpasticityAshworth(3.0)
          .setReporter(SymptomReporter.CAREGIVER).setOnsetTime(null).build()));
      out.add(envelope(lastRefill().plus(Duration.ofDays(14)), ++seq, PrescriptionChange.newBuilder()
          .setPreviousDoseMcgPerDay(450).setNewDoseMcgPerDay(520).setConcentrationMcgPerMl(concentration)
          .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
          .setReason(DoseChangeReason.SPASTICITY_NOT_CONTROLLED).build()));
    }
    if (delivery == DeliveryStatus.STOPPED) {
      out.add(envelope(now.minus(Duration.ofDays(2)), ++seq, PumpAlarm.newBuilder()
          .setKind(PumpAlarmKind.MOTOR_STALL).setCritical(true).setDetail("Motor stall logged by pump").build()));
    }
    return out;
  }

  private TelemetryEnvelope envelope(Instant t, long seq, Object payload) {
    return TelemetryEnvelope.newBuilder().setEventId(UUID.randomUUID().toString())
        .setPumpSerial(serial).setPatientPseudonym(pseudonym).setClinicId(clinic).setEventTime(t)
        .setSequence(seq).setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(t)
        .setPayload(payload).build();
  }

  /** An alert transition as the alerting service would publish it. */
  AlertEvent alert(String alertId, AlertType type, AlertTransition transition, AlertStatus status,
      Severity severity, RiskLevel risk, Instant at, Instant openedAt, String actor, String headline,
      List<Evidence> evidence) {
    return AlertEvent.newBuilder().setAlertId(alertId).setPumpSerial(serial)
        .setPatientPseudonym(pseudonym).setClinicId(clinic).setAlertType(type)
        .setTransition(transition).setStatus(status).setSeverity(severity).setRiskLevel(risk)
        .setEventTime(at).setOpenedAt(openedAt).setEscalationLevel(0).setActor(actor)
        .setReason(null).setHeadline(headline).setDueAt(null).setEvidence(evidence)
        .setTwinValues(Map.of("reservoir.meanMl", Math.round(meanAt(now) * 100) / 100.0,
            "doseMcgPerDay", dose))
        .setCausedBy(null).build();
  }
}
