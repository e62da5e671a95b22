package io.pumptwin.twin.wire;

import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TwinState;
import io.pumptwin.twin.PumpIdentity;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.TwinEventType;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.TwinTransition;
import io.pumptwin.twin.telemetry.RefillVisit;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireMappingTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    private static TelemetryEnvelope envelope(String id, long seq, Instant at, Object payload) {
        return TelemetryEnvelope.newBuilder().setEventId(id).setPumpSerial("SN-1").setPatientPseudonym("pt-1")
                .setClinicId("clinic-1").setEventTime(at).setSequence(seq).setSource(TelemetrySource.SIMULATOR)
                .setPayload(payload).build();
    }

    private static RefillRecord refill(double filled) {
        return RefillRecord.newBuilder().setExpectedResidualMl(2).setMeasuredResidualMl(2.1).setFilledVolumeMl(filled)
                .setReservoirCapacityMl(20).setConcentrationMcgPerMl(2000).setDoseMcgPerDay(500)
                .setProgrammedConcentrationMcgPerMl(500.0).build();
    }

    @Test
    void a_refill_envelope_becomes_a_refill_visit_and_the_twin_goes_out_as_twin_state_and_events() throws Exception {
        TelemetryEvent e = TelemetryMapping.toDomain(envelope("e1", 1, T0, refill(20)));
        assertThat(e.fact()).isInstanceOf(RefillVisit.class);
        assertThat(((RefillVisit) e.fact()).concentrationProgrammedMcgPerMl()).isEqualTo(500);

        PumpTwin twin = PumpTwin.start(new PumpIdentity("SN-1", "pt-1", "clinic-1", null), T0,
                TwinModelParameters.defaults());
        TwinTransition t = twin.apply(e);
        TwinState state = TwinMapping.toTwinState(t.twin());
        assertThat(state.getPumpSerial()).isEqualTo("SN-1");
        assertThat(state.getReservoir().getMeanMl()).isEqualTo(20);
        assertThat(state.getReservoir().getRefillDueReason()).isIn("RESERVOIR", "DRUG_STABILITY");
        assertThat(state.getOverdose().getLevel()).isEqualTo(io.pumptwin.events.RiskLevel.URGENT);
        assertThat(state.getProvenance().getLastEventIds()).containsExactly("e1");
        // The state names its parameters by digest; the values are the parameter set published under it.
        io.pumptwin.events.ModelParameterSet published = TwinMapping.toParameterSet(TwinModelParameters.defaults());
        assertThat(state.getProvenance().getParametersDigest()).isEqualTo(published.getDigest()).hasSize(32);
        assertThat(published.getParameterSet()).isEqualTo(state.getProvenance().getParameterSet());
        assertThat(published.getParameters()).containsKey("reservoir.deliveryBiasFraction");
        assertThat(published.getDefinition()).contains("deliveryBiasFraction=", "evidenceHalfLife=PT2880H");

        List<io.pumptwin.events.TwinEvent> events = t.events().stream().map(TwinMapping::toAvro).toList();
        assertThat(events).anyMatch(ev -> ev.getType() == io.pumptwin.events.TwinEventType.OVERDOSE_RISK
                && ev.getSourceEventId().equals("e1"));
        assertThat(t.events()).anyMatch(ev -> ev.type() == TwinEventType.OVERDOSE_RISK);

        // both records are valid Avro: they encode with their own schemas
        assertThat(TwinState.getEncoder().encode(state).remaining()).isPositive();
        for (var ev : events) {
            assertThat(io.pumptwin.events.TwinEvent.getEncoder().encode(ev).remaining()).isPositive();
        }
    }

    @Test
    void a_status_report_maps_alarms_and_mode() throws Exception {
        StatusReport s = StatusReport.newBuilder().setPumpComputedReservoirMl(12).setReservoirCapacityMl(20)
                .setLowReservoirAlarmMl(2).setConcentrationMcgPerMl(2000).setDoseMcgPerDay(500)
                .setInfusionMode(io.pumptwin.events.InfusionMode.MINIMUM_RATE).setBatteryRemainingPercent(55)
                .setActiveAlarms(List.of(io.pumptwin.events.PumpAlarmKind.MEMORY_RESET)).build();
        var fact = (io.pumptwin.twin.telemetry.StatusReport) TelemetryMapping.toDomain(envelope("e2", 2, T0, s)).fact();
        assertThat(fact.infusionMode()).isEqualTo(io.pumptwin.twin.telemetry.InfusionMode.MINIMUM_RATE);
        assertThat(fact.activeAlarms()).containsExactly(io.pumptwin.twin.telemetry.PumpAlarmKind.MEMORY_RESET);
    }

    @Test
    void impossible_values_are_refused_naming_the_field() {
        assertThatThrownBy(() -> TelemetryMapping.toDomain(envelope("e3", 3, T0, refill(Double.NaN))))
                .isInstanceOf(TelemetryRejected.class).hasMessageContaining("payload.filledVolumeMl")
                .satisfies(x -> assertThat(((TelemetryRejected) x).reasonCode()).isEqualTo("INVALID_FIELD"));
        assertThatThrownBy(() -> TelemetryMapping.toDomain(envelope("e4", 4, T0, refill(35))))
                .isInstanceOf(TelemetryRejected.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> TelemetryMapping.toDomain(envelope("e5", 5, T0, "not telemetry")))
                .isInstanceOf(TelemetryRejected.class)
                .satisfies(x -> assertThat(((TelemetryRejected) x).field()).isEqualTo("payload"));
    }
}
