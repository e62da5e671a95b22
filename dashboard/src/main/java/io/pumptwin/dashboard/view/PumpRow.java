package io.pumptwin.dashboard.view;

import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import java.time.Instant;

/**
 * One pump as the fleet table shows it: the figures a nurse scans to decide whom to call first.
 * An explanted pump keeps its row, marked, so a nurse looking for it finds why it went quiet; it is
 * not at risk, not due a refill and not silent, since it is no longer in a patient. Unless the twin
 * doubts the explant ({@link Explant#doubtedSince}): the pump still reports from the patient's home,
 * so the explant may be recorded against the wrong serial, and the row shows the underdose/withdrawal
 * and overdose risks the twin follows again; refill and silence, like their alerts, wait for the
 * clinic to retract the explant.
 *
 * @param daysToRefillDue days from fleet time to the refill-due date; negative when overdue, null
 *     when the twin has no projection yet
 * @param riskLevel the graver of the underdose/withdrawal and overdose risks; NONE for an explanted
 *     pump, but for a doubted explant's (its twin follows both again)
 * @param riskCause which of the two set {@code riskLevel} (UNDERDOSE or OVERDOSE), null at NONE
 * @param silentHours hours since the pump was last heard, in fleet time
 * @param explant the clinic's explant that retired the twin, null while the pump is implanted (or
 *     once the clinic has retracted the explant)
 * @param followed whether the twin follows the pump, so that its figures are current: while the pump
 *     is implanted, and again while its explant is in doubt. False for an explant nobody doubts: its
 *     reservoir, battery and catheter figures stand as they were at the explant, history to show in
 *     no alarm colour (the same rule as {@link PumpStory.Risk#followed})
 */
public record PumpRow(String pumpSerial, String clinicId, String patientPseudonym,
    double reservoirMl, double reservoirLower95Ml, double reservoirUpper95Ml, int capacityMl,
    double doseMcgPerDay, Instant refillDueAt, Double daysToRefillDue, String refillDueReason,
    double batteryPercent, String batteryState, double catheterProbability,
    String catheterSuspectedKind, RiskLevel riskLevel, String riskCause, String delivery,
    Instant lastHeardAt, boolean silent, double silentHours, int openAlerts,
    Severity topAlertSeverity, Explant explant, boolean followed) {

  /**
   * When and why the pump came out, and its replacement's serial if one went in.
   *
   * @param doubtedSince when the twin began to doubt the explant (the pump went on delivering, or
   *     raised a critical alarm, from the patient's home after it); null while nobody doubts it
   */
  public record Explant(Instant at, String reason, String replacementPumpSerial,
      Instant doubtedSince) {}
}
