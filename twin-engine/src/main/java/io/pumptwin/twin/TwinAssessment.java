package io.pumptwin.twin;

import io.pumptwin.twin.battery.BatteryProjection;
import io.pumptwin.twin.delivery.DeliveryStatus;
import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.reservoir.ReservoirEstimate;
import io.pumptwin.twin.reservoir.ReservoirProjection;
import io.pumptwin.twin.risk.RiskAssessment;
import io.pumptwin.twin.telemetry.CatheterFaultKind;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the twin estimates at its current event time, derived from its state: the figures a
 * dashboard shows and the conditions are judged on.
 *
 * @param battery          null before the first battery report
 * @param catheterKind     null while no fault is suspected
 * @param delivery         DELIVERING, or why not: what the pump reported, or STOPPED when the reservoir
 *                         is more likely empty than not
 */
public record TwinAssessment(Instant asOf, ReservoirEstimate reservoir, double programmedDailyVolumeMl,
                             ReservoirProjection projection, BatteryProjection battery, double catheterProbability,
                             CatheterFaultKind catheterKind, List<Evidence> catheterEvidence, DeliveryStatus delivery,
                             RiskAssessment underdose, RiskAssessment overdose, Map<String, Double> twinValues) {

    public TwinAssessment {
        catheterEvidence = List.copyOf(catheterEvidence);
        twinValues = Map.copyOf(twinValues);
    }
}
