package io.pumptwin.simulator.pump;

import io.pumptwin.simulator.scenario.Scenario.BatteryModel;

/**
 * The pump battery in capacity units (100 = a new battery of nominal capacity). Drain is a fixed
 * electronics share plus a motor share proportional to flow, calibrated so the nominal life is reached
 * at the reference flow (DOMAIN.md: about 7 years, depending on flow rate). A pump from the advisory
 * cohort (made before August 2011) has a smaller effective capacity it does not know about, so its own
 * gauge reads high and ERI and EOS come early.
 */
public final class Battery {
    private final BatteryModel model;
    private final double capacity;
    private final boolean advisory;
    private double remaining;
    private boolean eri;
    private boolean eos;

    public Battery(BatteryModel model, double effectiveCapacity, boolean advisory, double remaining) {
        this.model = model;
        this.capacity = effectiveCapacity;
        this.advisory = advisory;
        this.remaining = Math.max(0, Math.min(effectiveCapacity, remaining));
    }

    /** Capacity units per day at a flow. */
    public static double drainPerDay(BatteryModel model, double flowMlPerDay) {
        double perDayAtReference = 100.0 / (model.nominalLifeYears() * 365.25);
        double electronics = perDayAtReference * (1 - model.motorShare());
        double motorPerMl = perDayAtReference * model.motorShare() / model.referenceFlowMlPerDay();
        return electronics + motorPerMl * flowMlPerDay;
    }

    /** Drains for {@code days} at a flow; returns the indicator crossed, if any. */
    public Crossing drain(double days, double flowMlPerDay) {
        if (eos) {
            return Crossing.NONE;
        }
        double perDay = drainPerDay(model, flowMlPerDay);
        if (advisory && eri) {
            perDay *= model.advisoryEosAccelerationAfterEri();
        }
        remaining = Math.max(0, remaining - perDay * days);
        if (remaining <= 0) {
            eos = true;
            eri = true;
            return Crossing.END_OF_SERVICE;
        }
        // ERI is set so that, at the drain of the moment, end of service follows in about 90 days.
        if (!eri && remaining <= perDay * model.eriDaysBeforeEos()) {
            eri = true;
            return Crossing.ELECTIVE_REPLACEMENT;
        }
        return Crossing.NONE;
    }

    /** True remaining, as a percentage of what this battery can really deliver. */
    public double truePercent() {
        return remaining * 100.0 / capacity;
    }

    /**
     * What the pump believes: it counts what it has used against a nominal new battery, so a battery
     * that lost capacity to the resistive film reads high by the capacity it lost.
     */
    public double gaugePercent() {
        if (eos) {
            return 0;
        }
        return Math.min(100, remaining + (100 - capacity));
    }

    /** How depleted the battery is, 0 (new) to 1 (empty), relative to its effective capacity. */
    public double depletion() {
        return 1 - remaining / capacity;
    }

    public boolean advisory() {
        return advisory;
    }

    public boolean eri() {
        return eri;
    }

    public boolean eos() {
        return eos;
    }

    public enum Crossing { NONE, ELECTIVE_REPLACEMENT, END_OF_SERVICE }
}
