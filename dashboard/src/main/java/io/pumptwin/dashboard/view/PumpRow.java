package io.pumptwin.dashboard.view;

import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import java.time.Instant;

/**
 * One pump as the fleet table shows it: the figures a nurse scans to decide whom to call first.
 *
 * @param daysToRefillDue days from fleet time to the refill-due date; negative when overdue, null
 *     when the twin has no projection yet
 * @param riskLevel the graver of the underdose/withdrawal and overdose risks
 * @param riskCause which of the two set {@code riskLevel} (UNDERDOSE or OVERDOSE), null at NONE
 * @param silentHours hours since the pump was last heard, in fleet time
 */
public record PumpRow(String pumpSerial, String clinicId, String patientPseudonym,
    double reservoirMl, double reservoirLower95Ml, double reservoirUpper95Ml, int capacityMl,
    double doseMcgPerDay, Instant refillDueAt, Double daysToRefillDue, String refillDueReason,
    double batteryPercent, String batteryState, double catheterProbability,
    String catheterSuspectedKind, RiskLevel riskLevel, String riskCause, String delivery,
    Instant lastHeardAt, boolean silent, double silentHours, int openAlerts,
    Severity topAlertSeverity) {}
