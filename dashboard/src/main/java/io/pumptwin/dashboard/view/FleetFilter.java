package io.pumptwin.dashboard.view;

import io.pumptwin.events.RiskLevel;
import java.time.Duration;

/**
 * The fleet page's filters. Every field is optional (null or false: no filter).
 *
 * @param minRisk only pumps at this risk or above
 * @param refillDueWithin only pumps whose refill is due within this window of fleet time,
 *     overdue ones included
 * @param silentOnly only pumps that have gone silent
 * @param clinicId only this clinic (still within the signed-in person's clinics)
 */
public record FleetFilter(RiskLevel minRisk, Duration refillDueWithin, boolean silentOnly,
    String clinicId) {

  public static FleetFilter none() {
    return new FleetFilter(null, null, false, null);
  }

  boolean admits(PumpRow row) {
    if (minRisk != null && row.riskLevel().ordinal() < minRisk.ordinal()) {
      return false;
    }
    if (refillDueWithin != null && (row.daysToRefillDue() == null
        || row.daysToRefillDue() * 86_400_000.0 > refillDueWithin.toMillis())) {
      return false;
    }
    if (silentOnly && !row.silent()) {
      return false;
    }
    return clinicId == null || clinicId.equals(row.clinicId());
  }
}
