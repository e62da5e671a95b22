package io.pumptwin.twin.battery;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What the twin knows about the pump's battery.
 *
 * @param history          recent readings, oldest first, bounded
 * @param manufacturedOn   null when unknown (the telemetry does not carry it yet)
 * @param eriReachedAt     when the pump raised ERI, null if it has not
 * @param endOfServiceAt   when the pump reached end of service, null if it has not
 * @param lastResetAt      last low-battery or memory reset
 */
public record BatteryState(List<BatteryReading> history, LocalDate manufacturedOn, Instant eriReachedAt,
                           Instant endOfServiceAt, Instant lastResetAt) {

    private static final double MILLIS_PER_DAY = 86_400_000.0;

    public BatteryState {
        history = List.copyOf(history);
    }

    public static BatteryState initial(LocalDate manufacturedOn) {
        return new BatteryState(List.of(), manufacturedOn, null, null, null);
    }

    /**
     * Made before August 2011: the resistive-film advisory (DOMAIN.md) warns of sudden low-battery
     * resets, premature ERI and premature EOS.
     */
    public boolean advisoryCohort(BatteryModelParameters p) {
        return manufacturedOn != null && manufacturedOn.isBefore(p.advisoryManufacturedBefore());
    }

    public Double remainingPercent() {
        return history.isEmpty() ? null : history.get(history.size() - 1).percent();
    }

    public boolean eriReached() {
        return eriReachedAt != null;
    }

    public boolean endOfServiceReached() {
        return endOfServiceAt != null;
    }

    /**
     * Keeps the readings at least {@code minimumFitSpan / historySize} apart (the newest one always replaces a
     * reading closer than that to the one before), so the bounded history spans the fit window whatever the report
     * cadence: at a 15-minute home-communicator cadence, 32 consecutive readings would cover 8 hours, the fit would
     * never run, and the projection would follow each reading's gauge noise (0.5% of noise is about two weeks of
     * nominal drain), raising and clearing BATTERY_ERI at every report near the notice date (measured in
     * bench/ detection scorecard: hundreds of alert openings for one pump).
     */
    public BatteryState withReading(Instant at, double percent, double dailyVolumeMl, BatteryModelParameters p) {
        List<BatteryReading> next = new ArrayList<>(history);
        // in nanoseconds, as Duration.dividedBy truncates, without its BigDecimal (2% of applying a report, issue 5)
        Duration spacing = Duration.ofNanos(p.minimumFitSpan().toNanos() / p.historySize());
        if (next.size() >= 2 && Duration.between(next.get(next.size() - 2).at(), at).compareTo(spacing) < 0) {
            next.remove(next.size() - 1);
        }
        next.add(new BatteryReading(at, percent, p.flowFactor(dailyVolumeMl)));
        if (next.size() > p.historySize()) {
            next = next.subList(next.size() - p.historySize(), next.size());
        }
        return new BatteryState(next, manufacturedOn, eriReachedAt, endOfServiceAt, lastResetAt);
    }

    public BatteryState withEri(Instant at) {
        return eriReachedAt != null ? this
                : new BatteryState(history, manufacturedOn, at, endOfServiceAt, lastResetAt);
    }

    public BatteryState withEndOfService(Instant at) {
        return endOfServiceAt != null ? this
                : new BatteryState(history, manufacturedOn, eriReachedAt == null ? at : eriReachedAt, at, lastResetAt);
    }

    public BatteryState withReset(Instant at) {
        return new BatteryState(history, manufacturedOn, eriReachedAt, endOfServiceAt, at);
    }

    /**
     * Projects ERI and EOS from the current flow rate: end of service when the remaining percent runs out, ERI
     * the labeled 90 days before it (the pump raises ERI when that much service is left at its drain of the moment).
     * Once the pump has raised ERI, EOS follows by labeling (about 90 days). Before that, the
     * depletion rate comes from a least-squares fit of the reported levels, normalised by the flow in
     * force at each reading, once the readings span long enough; until then from the nominal life.
     */
    public BatteryProjection project(Instant asOf, double dailyVolumeMl, BatteryModelParameters p) {
        double flow = p.flowFactor(dailyVolumeMl);
        if (endOfServiceAt != null) {
            return new BatteryProjection(eriReachedAt, endOfServiceAt, BatteryProjection.Basis.END_OF_SERVICE, 0);
        }
        if (eriReachedAt != null) {
            return new BatteryProjection(eriReachedAt, eriReachedAt.plus(p.eriToEndOfService()),
                    BatteryProjection.Basis.REPORTED_ERI, flow * p.nominalPercentPerDay());
        }
        Double remaining = remainingPercent();
        if (remaining == null) {
            return null;
        }
        Double fitted = fittedNormalisedPercentPerDay(p);
        BatteryProjection.Basis basis = fitted != null ? BatteryProjection.Basis.FITTED_HISTORY
                : BatteryProjection.Basis.NOMINAL_MODEL;
        double normalised = fitted != null ? fitted : p.nominalPercentPerDay();
        double perDay = normalised * flow;
        double daysToEri = Math.max(0, smoothedRemaining(normalised) / perDay
                - p.eriToEndOfService().toMillis() / MILLIS_PER_DAY);
        if (advisoryCohort(p)) {
            daysToEri *= p.advisoryLifeFactor();
        }
        Instant last = history.get(history.size() - 1).at();
        Instant from = last.isAfter(asOf) ? last : asOf;
        // The projection runs from the last reading; if the twin has moved on since, no later than now.
        Instant eri = last.plus(Duration.ofMillis(Math.round(daysToEri * MILLIS_PER_DAY)));
        if (eri.isBefore(from) && daysToEri > 0) {
            eri = from;
        }
        return new BatteryProjection(eri, eri.plus(p.eriToEndOfService()), basis, perDay);
    }

    /**
     * The remaining percent at the last reading, averaged over the kept readings (each carried forward to the last
     * one at the depletion rate in use): one gauge reading is noisy, the history is not.
     */
    private double smoothedRemaining(double normalisedPercentPerDay) {
        Instant last = history.get(history.size() - 1).at();
        double sum = 0;
        for (BatteryReading r : history) {
            double days = (last.toEpochMilli() - r.at().toEpochMilli()) / MILLIS_PER_DAY;
            sum += r.percent() - normalisedPercentPerDay * r.flowFactor() * days;
        }
        return sum / history.size();
    }

    /** Percent per day at the reference flow, fitted; null while the readings are too few or too close. */
    private Double fittedNormalisedPercentPerDay(BatteryModelParameters p) {
        if (history.size() < 2) {
            return null;
        }
        Instant first = history.get(0).at();
        Instant last = history.get(history.size() - 1).at();
        if (Duration.between(first, last).compareTo(p.minimumFitSpan()) < 0) {
            return null;
        }
        int n = history.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0, sf = 0;
        for (BatteryReading r : history) {
            double x = (r.at().toEpochMilli() - first.toEpochMilli()) / MILLIS_PER_DAY;
            sx += x;
            sy += r.percent();
            sxx += x * x;
            sxy += x * r.percent();
            sf += r.flowFactor();
        }
        double denominator = n * sxx - sx * sx;
        if (denominator <= 0) {
            return null;
        }
        double slope = (n * sxy - sx * sy) / denominator;
        if (slope >= 0) {
            return null;
        }
        double fitted = -slope / (sf / n);
        // A gauge that reads the same over the whole span fits a slope of rounding noise (5e-15 %/day from readings
        // an hour and a day apart): taken as the drain it projected ERI some 10^11 years out, past what a timestamp
        // holds, and the twin state could not be written (BatteryStateTest). A drain under a thousandth of nominal is
        // no measurement: the nominal model projects instead.
        return fitted < p.nominalPercentPerDay() * NO_MEASURED_DRAIN ? null : fitted;
    }

    /** Below this share of the nominal drain a fitted drain is rounding noise, not a battery (see above). */
    private static final double NO_MEASURED_DRAIN = 1e-3;
}
