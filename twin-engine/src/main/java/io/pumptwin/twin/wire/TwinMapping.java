package io.pumptwin.twin.wire;

import io.pumptwin.events.BatteryEstimate;
import io.pumptwin.events.DateProjection;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.ModelParameterSet;
import io.pumptwin.events.Provenance;
import io.pumptwin.events.ReservoirEstimate;
import io.pumptwin.events.TwinState;
import io.pumptwin.twin.ActiveCondition;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.TwinAssessment;
import io.pumptwin.twin.TwinEventType;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.battery.BatteryProjection;
import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.reservoir.DateBand;
import io.pumptwin.twin.risk.RiskAssessment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * The twin and its events on the wire: PumpTwin to the compacted TwinState, domain TwinEvent to the
 * Avro TwinEvent. The Avro TwinState is a view for dashboards and alerting; it is not the store
 * format (see {@code PumpTwinStoreCodec}).
 */
public final class TwinMapping {

    /** Provenance lists at most this many recent telemetry ids. */
    private static final int PROVENANCE_IDS = 8;

    private TwinMapping() {
    }

    /**
     * The values behind {@code parameters}' digest, as the engine publishes them on the parameters topic, keyed by
     * the digest: each twin state names its parameters by digest, so the values travel once, not in every state
     * (they were two thirds of a state's bytes, issue 5).
     */
    public static ModelParameterSet toParameterSet(TwinModelParameters parameters) {
        return ModelParameterSet.newBuilder()
                .setDigest(parameters.digest())
                .setParameterSet(parameters.name())
                .setModelVersion(TwinModelParameters.MODEL_VERSION)
                .setParameters(parameters.asMap())
                .setDefinition(parameters.definition())
                .build();
    }

    public static TwinState toTwinState(PumpTwin twin) {
        return toTwinState(twin, twin.parameters().digest());
    }

    /**
     * The twin's state, naming its parameters by their digest: the same for every twin an engine holds, so the
     * engine takes it once rather than for each of the states it writes.
     *
     * @param parametersDigest {@code twin.parameters().digest()}
     */
    public static TwinState toTwinState(PumpTwin twin, String parametersDigest) {
        return toTwinState(twin, twin.assess(), parametersDigest);
    }

    /** As {@link #toTwinState(PumpTwin, String)}, with the twin's assessment already made ({@code twin.assess()}). */
    public static TwinState toTwinState(PumpTwin twin, TwinAssessment view, String parametersDigest) {
        TwinModelParameters p = twin.parameters();
        var rx = twin.prescription();
        var reservoir = view.reservoir();
        var projection = view.projection();
        ReservoirEstimate.Builder r = ReservoirEstimate.newBuilder()
                .setMeanMl(reservoir == null ? 0 : reservoir.expectedVolumeMl())
                .setStdDevMl(reservoir == null ? 0 : reservoir.stdDevMl())
                .setLower95Ml(reservoir == null ? 0 : reservoir.lower95Ml(p.reservoir()))
                .setUpper95Ml(reservoir == null ? 0 : reservoir.upper95Ml(p.reservoir()))
                .setPumpComputedMl(twin.pumpComputedMl() == null ? 0 : twin.pumpComputedMl())
                .setCapacityMl(rx == null ? 0 : rx.capacityMl())
                .setLowReservoirAlarmMl(rx == null ? 0 : rx.lowReservoirAlarmMl())
                .setConcentrationMcgPerMl(rx == null ? 0 : rx.programmedConcentrationMcgPerMl())
                .setDoseMcgPerDay(rx == null ? 0 : rx.doseMcgPerDay())
                .setDailyVolumeMl(view.programmedDailyVolumeMl())
                .setLastRefillAt(twin.fill().filledAt())
                .setLowReservoirAt(projection == null ? null : band(projection.lowReservoirAt()))
                .setEmptyAt(projection == null ? null : band(projection.emptyAt()))
                .setRefillDueAt(projection == null || projection.refillDue() == null ? null
                        : projection.refillDue().dueAt())
                .setRefillDueReason(projection == null || projection.refillDue() == null ? null
                        : projection.refillDue().limit() == io.pumptwin.twin.reservoir.RefillDue.Limit.RESERVOIR
                        ? "RESERVOIR" : "DRUG_STABILITY");
        BatteryProjection bp = view.battery();
        var battery = twin.battery();
        BatteryEstimate b = BatteryEstimate.newBuilder()
                .setRemainingPercent(battery.remainingPercent() == null ? 0 : battery.remainingPercent())
                .setEriProjectedAt(bp == null ? null : bp.eriAt())
                .setEosProjectedAt(bp == null ? null : bp.endOfServiceAt())
                .setEriReached(battery.eriReached())
                .setEosReached(battery.endOfServiceReached())
                .setAdvisoryCohort(battery.advisoryCohort(p.battery()))
                .setLastResetAt(battery.lastResetAt())
                .build();
        io.pumptwin.events.CatheterFaultLikelihood c = io.pumptwin.events.CatheterFaultLikelihood.newBuilder()
                .setProbability(view.catheterProbability())
                .setSuspectedKind(view.catheterKind() == null ? null
                        : io.pumptwin.events.CatheterFaultKind.valueOf(view.catheterKind().name()))
                .setEvidence(evidence(view.catheterEvidence()))
                .build();
        Provenance provenance = Provenance.newBuilder()
                .setModelVersion(TwinModelParameters.MODEL_VERSION)
                .setParameterSet(p.name())
                .setParametersDigest(parametersDigest)
                .setLastEventIds(twin.recentEvents().lastIds(PROVENANCE_IDS))
                .build();
        return TwinState.newBuilder()
                .setPumpSerial(twin.identity().pumpSerial())
                .setPatientPseudonym(twin.identity().patientPseudonym())
                .setClinicId(twin.identity().clinicId())
                .setAsOf(twin.asOf())
                .setLastHeardAt(twin.lastHeardAt() == null ? twin.asOf() : twin.lastHeardAt())
                .setLastSequence(twin.lastSequence())
                .setEventsApplied(twin.eventsApplied())
                .setReservoir(r.build())
                .setBattery(b)
                .setCatheter(c)
                .setDelivery(DeliveryStatus.valueOf(view.delivery().name()))
                .setUnderdose(risk(view.underdose()))
                .setOverdose(risk(view.overdose()))
                .setProvenance(provenance)
                .setExplant(explant(twin))
                .build();
    }

    /**
     * The explant that retired the twin, and since when the twin doubts it: a doubted twin follows its pump's
     * underdose risk again (PumpTwin#followedWhileRetired), and fleet views that leave explanted pumps out of their
     * risk lists must not leave that one out.
     */
    private static io.pumptwin.events.ExplantSummary explant(PumpTwin twin) {
        io.pumptwin.twin.Explant x = twin.explant();
        if (x == null) {
            return null;
        }
        ActiveCondition doubt = twin.conditions().get(TwinEventType.EXPLANT_DOUBTED);
        return io.pumptwin.events.ExplantSummary.newBuilder()
                .setExplantedAt(x.explantedAt())
                .setReason(io.pumptwin.events.ExplantReason.valueOf(x.reason().name()))
                .setReplacementPumpSerial(x.replacementPumpSerial())
                .setSourceEventId(x.sourceEventId())
                .setDoubtedSince(doubt == null ? null : doubt.raisedAt())
                .build();
    }

    public static io.pumptwin.events.TwinEvent toAvro(io.pumptwin.twin.TwinEvent e) {
        return io.pumptwin.events.TwinEvent.newBuilder()
                .setEventId(e.eventId())
                .setPumpSerial(e.pumpSerial())
                .setPatientPseudonym(e.patientPseudonym())
                .setClinicId(e.clinicId())
                .setEventTime(e.eventTime())
                .setType(io.pumptwin.events.TwinEventType.valueOf(e.type().name()))
                .setTransition(io.pumptwin.events.TwinEventTransition.valueOf(e.transition().name()))
                .setRiskLevel(io.pumptwin.events.RiskLevel.valueOf(e.level().name()))
                .setHeadline(e.headline())
                .setDueAt(e.dueAt())
                .setDoseMcgPerDay(e.doseMcgPerDay())
                .setEvidence(evidence(e.evidence()))
                .setTwinValues(new LinkedHashMap<>(e.twinValues()))
                .setSourceEventId(e.sourceEventId())
                .build();
    }

    private static DateProjection band(DateBand band) {
        if (band == null) {
            return null;
        }
        return DateProjection.newBuilder().setEarliest(band.earliest()).setExpected(band.expected())
                .setLatest(band.latest()).build();
    }

    private static io.pumptwin.events.RiskAssessment risk(RiskAssessment r) {
        return io.pumptwin.events.RiskAssessment.newBuilder()
                .setLevel(io.pumptwin.events.RiskLevel.valueOf(r.level().name()))
                .setScore(r.score())
                .setSince(r.since())
                .setEvidence(evidence(r.evidence()))
                .build();
    }

    private static List<io.pumptwin.events.Evidence> evidence(List<Evidence> items) {
        if (items.isEmpty()) {
            return List.of(); // most twin states: a stream pipeline per empty list was measurable (issue 5)
        }
        List<io.pumptwin.events.Evidence> out = new ArrayList<>(items.size());
        for (Evidence e : items) {
            out.add(io.pumptwin.events.Evidence.newBuilder()
                    .setKind(e.kind().name())
                    .setObservedAt(e.observedAt())
                    .setDetail(e.detail())
                    .setWeight(e.weight())
                    .setSourceEventId(e.sourceEventId())
                    .build());
        }
        return out;
    }
}
