package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;

/**
 * How loud an alert is, from its clinical stakes (DOMAIN.md). All of the policy lives here so a
 * clinician can review it in one place. CRITICAL is kept for what can kill within a day or two:
 * an alert that cries wolf trains people to ignore it.
 *
 * @param highDoseMcgPerDay dose at or above which a loss of delivery is the top of the scale.
 *     DOMAIN.md: maintenance doses run from a few hundred to about 800 mcg/day, and withdrawal risk
 *     grows with dose; 400 mcg/day is the middle of that range. A default that clinicians change.
 */
public record SeverityPolicy(double highDoseMcgPerDay) {

  public SeverityPolicy {
    if (!(highDoseMcgPerDay > 0)) {
      throw new IllegalArgumentException("highDoseMcgPerDay must be > 0, was " + highDoseMcgPerDay);
    }
  }

  public static SeverityPolicy defaults() {
    return new SeverityPolicy(400);
  }

  public Severity severityOf(AlertType type, RiskLevel level, double doseMcgPerDay) {
    boolean highDose = doseMcgPerDay >= highDoseMcgPerDay;
    return switch (type) {
      // A refill that is due is routine work with weeks of lead time; it becomes MEDIUM once the
      // twin thinks it is likely late, because a missed refill is the commonest cause of an empty
      // reservoir and so of withdrawal (DOMAIN.md, "Underdose and withdrawal").
      case REFILL_DUE -> level == RiskLevel.WATCH ? Severity.LOW : Severity.MEDIUM;
      // The louder one: the reservoir may already be at or near empty. HIGH, not CRITICAL: delivery
      // has not been seen to stop; when it does, the underdose alert carries the top severity.
      case REFILL_URGENT -> Severity.HIGH;
      // Severe withdrawal can progress over 24-72 h to rhabdomyolysis, multi-organ failure and
      // death (DOMAIN.md; one syndrome per 20 pump-years, Stetkarova et al., Pain Physician 2015),
      // and risk grows with dose: an urgent risk on a high-dose pump is the top of the scale.
      case UNDERDOSE_WITHDRAWAL_RISK -> switch (level) {
        case URGENT -> highDose ? Severity.CRITICAL : Severity.HIGH;
        case LIKELY -> Severity.HIGH;
        default -> Severity.MEDIUM;
      };
      // Catheter problems are the commonest device complication (25-30 % over the life of
      // therapy) and end in underdose; a check (access-port aspiration, dye or rotor study) is
      // needed soon, but the underdose alert speaks if delivery is already lost.
      case CATHETER_FAULT_SUSPECTED -> Severity.HIGH;
      // ERI: replacement should be scheduled; end of service follows in roughly 90 days.
      case BATTERY_ERI -> level == RiskLevel.URGENT ? Severity.MEDIUM : Severity.LOW;
      // End of service: the battery is depleted and delivery stops. A projection (WATCH) is HIGH:
      // the replacement must be booked now; a reached EOS is a pump that stopped delivering.
      case BATTERY_END_OF_SERVICE -> level == RiskLevel.WATCH ? Severity.HIGH : Severity.CRITICAL;
      // Overdose: respiratory depression, seizures, coma (DOMAIN.md); urgent is the top.
      case OVERDOSE_RISK -> switch (level) {
        case URGENT -> Severity.CRITICAL;
        case LIKELY -> Severity.HIGH;
        default -> Severity.MEDIUM;
      };
      // Two-tone alarms (motor stall, low-battery or memory reset, EOS) mean delivery stopped or
      // fell to the minimal rate; on a high-dose pump that is the most urgent case there is.
      case PUMP_CRITICAL_ALARM -> highDose ? Severity.CRITICAL : Severity.HIGH;
      // Silence means we cannot see the pump, not that it stopped: the communicator may be off.
      case PUMP_SILENT -> Severity.MEDIUM;
      // A pump recorded as explanted that reports delivery may be in a patient with every alert of
      // it silenced (an explant entered against the wrong serial): the clinic must check its record
      // in the working day. Not a page at night: a pump read on the bench also reports, and the
      // patient's own pump, if this is it, is still delivering.
      case EXPLANT_DOUBTED -> Severity.MEDIUM;
    };
  }
}
