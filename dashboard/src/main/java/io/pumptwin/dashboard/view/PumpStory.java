package io.pumptwin.dashboard.view;

import java.time.Instant;
import java.util.List;

/**
 * One pump's story for its detail page: the latest twin, and over time the reservoir estimate with
 * its 95% band, what the pump itself computed, the refills (the only ground truth: expected versus
 * measured residual, DOMAIN.md), alarms, symptoms, dose changes, catheter checks, alert
 * transitions, and the catheter-fault likelihood with the evidence that moved it. Lists are in
 * event-time order and bounded by {@link ViewLimits}.
 */
public record PumpStory(PumpRow row, Instant fleetTime, Twin twin, List<ReservoirPoint> reservoir,
    List<ReportedVolume> reported, List<Refill> refills, List<Alarm> alarms,
    List<SymptomReport> symptoms, List<DoseChange> doseChanges, List<CatheterCheck> catheterChecks,
    List<AlertMark> alerts, List<CatheterPoint> catheter, List<AlertCard> openAlerts) {

  /** The latest twin's figures that the table row does not carry. */
  public record Twin(Instant asOf, double stdDevMl, double pumpComputedMl, double lowReservoirAlarmMl,
      double concentrationMcgPerMl, double dailyVolumeMl, Instant lastRefillAt,
      DateBand lowReservoirAt, DateBand emptyAt, Instant eriProjectedAt, Instant eosProjectedAt,
      boolean advisoryCohort, Instant lastBatteryResetAt, List<EvidenceItem> catheterEvidence,
      Risk underdose, Risk overdose, String modelVersion, String parameterSet) {}

  public record DateBand(Instant earliest, Instant expected, Instant latest) {}

  /**
   * The underdose/withdrawal or the overdose risk as the twin last assessed it.
   *
   * @param followed whether the twin follows this risk and raises its alerts now: always while the
   *     pump is implanted; for an explanted pump never (its figures stand as they were at the
   *     explant), but for a doubted explant's, followed again since the doubt. A risk not followed
   *     is history to read, not an alarm.
   */
  public record Risk(String level, double score, Instant since, List<EvidenceItem> evidence,
      boolean followed) {}

  /** The twin's estimate at one moment: mean and 95% band, in mL. */
  public record ReservoirPoint(Instant at, double meanMl, double lower95Ml, double upper95Ml) {}

  /** The pump's own computed volume from a status report: a belief, not a measurement. */
  public record ReportedVolume(Instant at, double pumpComputedMl, String eventId) {}

  public record Refill(Instant at, double expectedResidualMl, double measuredResidualMl,
      double filledVolumeMl, double concentrationMcgPerMl, double doseMcgPerDay,
      Double programmedConcentrationMcgPerMl, boolean pocketFillSuspected, String eventId) {

    /** Measured less expected: positive means drug stayed in the pump (occlusion, kink, stall). */
    public double residualDiscrepancyMl() {
      return measuredResidualMl - expectedResidualMl;
    }
  }

  public record Alarm(Instant at, String kind, boolean critical, String detail, String eventId) {}

  public record SymptomReport(Instant at, List<String> symptoms, Double spasticityAshworth,
      String reporter, String eventId) {}

  public record DoseChange(Instant at, double previousDoseMcgPerDay, double newDoseMcgPerDay,
      String reason, String eventId) {}

  public record CatheterCheck(Instant at, String method, String result, String faultKind,
      String eventId) {}

  public record AlertMark(Instant at, String alertId, String alertType, String transition,
      String status, String severity, String headline, String actor) {}

  /** The likelihood after a change, with the evidence that arrived with that change. */
  public record CatheterPoint(Instant at, double probability, String suspectedKind,
      List<EvidenceItem> newEvidence) {}
}
