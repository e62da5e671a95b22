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
import java.util.function.Supplier;

/**
 * Everything the twin estimates at its current event time, derived from its state: the figures a
 * dashboard shows and the conditions are judged on.
 *
 * @param battery          null before the first battery report
 * @param catheterKind     null while no fault is suspected
 * @param values           the twin values, see {@link #twinValues()}
 * @param delivery         DELIVERING, or why not: what the pump reported, or STOPPED when the reservoir
 *                         is more likely empty than not
 */
public record TwinAssessment(Instant asOf, ReservoirEstimate reservoir, double programmedDailyVolumeMl,
                             ReservoirProjection projection, BatteryProjection battery, double catheterProbability,
                             CatheterFaultKind catheterKind, List<Evidence> catheterEvidence, DeliveryStatus delivery,
                             RiskAssessment underdose, RiskAssessment overdose, Values values) {

    public TwinAssessment {
        catheterEvidence = List.copyOf(catheterEvidence);
    }

    /** The named figures behind the estimates (twin values of events and states), built on first use. */
    public Map<String, Double> twinValues() {
        return values.get();
    }

    /**
     * The twin values, computed once when first asked for: an assessment is made for every event, its values are
     * read only when an event is raised or a state is written (issue 5). Equal when the values are equal.
     */
    public static final class Values {
        private final Supplier<Map<String, Double>> source;
        private Map<String, Double> computed;

        public Values(Supplier<Map<String, Double>> source) {
            this.source = source;
        }

        Map<String, Double> get() {
            if (computed == null) {
                computed = Map.copyOf(source.get());
            }
            return computed;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Values v && get().equals(v.get());
        }

        @Override
        public int hashCode() {
            return get().hashCode();
        }

        @Override
        public String toString() {
            return get().toString();
        }
    }
}
