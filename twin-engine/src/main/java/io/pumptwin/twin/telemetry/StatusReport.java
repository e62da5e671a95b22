package io.pumptwin.twin.telemetry;

import java.util.List;
import java.util.Set;

/**
 * Periodic status as the pump computes it. {@code pumpComputedReservoirMl} is the pump's belief
 * from what it thinks it delivered, not a measurement (DOMAIN.md).
 *
 * @param batteryVoltageV null where the device does not report it
 */
public record StatusReport(
        double pumpComputedReservoirMl,
        int reservoirCapacityMl,
        double lowReservoirAlarmMl,
        double concentrationMcgPerMl,
        double doseMcgPerDay,
        InfusionMode infusionMode,
        double batteryRemainingPercent,
        Double batteryVoltageV,
        Set<PumpAlarmKind> activeAlarms) implements TelemetryFact {

    public StatusReport {
        activeAlarms = Set.copyOf(activeAlarms);
    }

    public static StatusReport of(double pumpComputedMl, int capacityMl, double lraMl, double concentration,
                                  double dose, double batteryPercent, PumpAlarmKind... alarms) {
        return new StatusReport(pumpComputedMl, capacityMl, lraMl, concentration, dose,
                InfusionMode.SIMPLE_CONTINUOUS, batteryPercent, null, Set.copyOf(List.of(alarms)));
    }
}
