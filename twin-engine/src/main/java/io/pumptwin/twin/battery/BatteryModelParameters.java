package io.pumptwin.twin.battery;

import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Battery physics. DOMAIN.md: battery life is normally around 7 years and depends on flow rate; ERI
 * is followed by end of service in roughly 90 days; pumps made before August 2011 belong to the
 * reduced-battery-performance advisory (2009 safety notice, updated 2011 and 2017).
 *
 * @param nominalLife               service life at the reference flow rate (about 7 years)
 * @param referenceDailyVolumeMl    flow rate at which the nominal life holds (assumption: 0.5 mL/day)
 * @param flowShareOfDrain          share of the drain that the motor causes at the reference flow; the
 *                                  rest is electronics (assumption: 0.3). Drain = base * (1 - share +
 *                                  share * flow / reference).
 * @param eriToEndOfService         time from ERI to end of service (DOMAIN.md: roughly 90 days). The pump raises ERI
 *                                  when that much service is left at its drain of the moment, so the twin projects ERI
 *                                  this long before the end of service it projects. (A fixed 10% remaining, assumed
 *                                  before, is about 250 days of nominal drain: BATTERY_ERI opened months before the
 *                                  pump's own indicator, bench detection scorecard, issue 6.)
 * @param advisoryManufacturedBefore pumps made before this date are in the advisory cohort
 * @param advisoryLifeFactor        advisory pumps reach ERI prematurely: remaining time to ERI is scaled by
 *                                  this factor so the twin warns early (assumption: 0.75)
 * @param historySize               battery readings kept for the depletion fit
 * @param minimumFitSpan            a fitted depletion rate is used only once readings span this long
 * @param eriNotice                 how long before the projected ERI the twin raises BATTERY_ERI
 * @param endOfServiceNotice        how long before the projected EOS the twin raises BATTERY_END_OF_SERVICE
 */
public record BatteryModelParameters(
        Duration nominalLife,
        double referenceDailyVolumeMl,
        double flowShareOfDrain,
        Duration eriToEndOfService,
        LocalDate advisoryManufacturedBefore,
        double advisoryLifeFactor,
        int historySize,
        Duration minimumFitSpan,
        Duration eriNotice,
        Duration endOfServiceNotice) {

    public BatteryModelParameters {
        if (referenceDailyVolumeMl <= 0 || flowShareOfDrain < 0 || flowShareOfDrain > 1 || historySize < 2
                || advisoryLifeFactor <= 0 || advisoryLifeFactor > 1) {
            throw new IllegalArgumentException("invalid battery parameters");
        }
    }

    public static BatteryModelParameters defaults() {
        return new BatteryModelParameters(Duration.ofDays(7 * 365), 0.5, 0.3, Duration.ofDays(90),
                LocalDate.of(2011, 8, 1), 0.75, 32, Duration.ofDays(30), Duration.ofDays(60), Duration.ofDays(30));
    }

    /** Drain relative to the drain at the reference flow rate. */
    public double flowFactor(double dailyVolumeMl) {
        return 1 - flowShareOfDrain + flowShareOfDrain * Math.max(0, dailyVolumeMl) / referenceDailyVolumeMl;
    }

    /** Percent per day at the reference flow for a nominal battery. */
    public double nominalPercentPerDay() {
        return 100.0 / (nominalLife.toMillis() / 86_400_000.0);
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("battery.nominalLifeDays", nominalLife.toMillis() / 86_400_000.0);
        m.put("battery.referenceDailyVolumeMl", referenceDailyVolumeMl);
        m.put("battery.flowShareOfDrain", flowShareOfDrain);
        m.put("battery.eriToEndOfServiceDays", eriToEndOfService.toMillis() / 86_400_000.0);
        m.put("battery.advisoryLifeFactor", advisoryLifeFactor);
        return m;
    }
}
