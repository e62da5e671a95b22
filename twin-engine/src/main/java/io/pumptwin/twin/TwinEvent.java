package io.pumptwin.twin;

import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.risk.RiskLevel;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A threshold crossing or a relayed critical pump alarm, caused by applying telemetry or by the
 * passage of stream time.
 *
 * @param eventId       deterministic: pump, type, transition and event time, so replays give the same ids
 * @param dueAt         refill-due or projected date where relevant, else null
 * @param sourceEventId telemetry event that caused it, null when stream time did
 */
public record TwinEvent(String eventId, String pumpSerial, String patientPseudonym, String clinicId,
                        Instant eventTime, TwinEventType type, TwinEventTransition transition, RiskLevel level,
                        String headline, Instant dueAt, double doseMcgPerDay, List<Evidence> evidence,
                        Map<String, Double> twinValues, String sourceEventId) {

    public TwinEvent {
        evidence = List.copyOf(evidence);
        twinValues = Map.copyOf(twinValues);
    }
}
