package io.pumptwin.twin.wire;

import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TwinState;
import io.pumptwin.twin.PumpIdentity;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.TwinModelParameters;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TwinStateWriterTest {
    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    @Test
    void writes_the_bytes_a_plain_avro_writer_writes_with_the_cached_map_and_with_any_other() throws Exception {
        TwinModelParameters model = TwinModelParameters.defaults();
        Map<String, Double> engineMap = Collections.unmodifiableMap(new LinkedHashMap<>(model.asMap()));
        PumpTwin twin = PumpTwin.start(new PumpIdentity("SN-1", "pt-1", "clinic-1", null), T0, model)
                .apply(TelemetryMapping.toDomain(TelemetryEnvelope.newBuilder().setEventId("e1").setPumpSerial("SN-1")
                        .setPatientPseudonym("pt-1").setClinicId("clinic-1").setEventTime(T0).setSequence(1)
                        .setSource(TelemetrySource.SIMULATOR).setPayload(RefillRecord.newBuilder()
                                .setExpectedResidualMl(2).setMeasuredResidualMl(2.1).setFilledVolumeMl(20)
                                .setReservoirCapacityMl(20).setConcentrationMcgPerMl(2000).setDoseMcgPerDay(500)
                                .setProgrammedConcentrationMcgPerMl(null).build()).build())).twin();
        TwinStateWriter writer = new TwinStateWriter(engineMap);

        TwinState withEngineMap = TwinMapping.toTwinState(twin, engineMap);
        assertThat(encode(writer, withEngineMap)).isEqualTo(encode(new SpecificDatumWriter<>(TwinState.class),
                withEngineMap));

        // A what-if's map (another instance, other values) is encoded as usual, not taken from the cache.
        Map<String, Double> other = new LinkedHashMap<>(engineMap);
        other.replaceAll((k, v) -> v + 1);
        TwinState withOtherMap = TwinMapping.toTwinState(twin, other);
        byte[] plain = encode(new SpecificDatumWriter<>(TwinState.class), withOtherMap);
        assertThat(encode(writer, withOtherMap)).isEqualTo(plain);
        assertThat(plain).isNotEqualTo(encode(writer, withEngineMap));
    }

    private static byte[] encode(SpecificDatumWriter<TwinState> writer, TwinState state) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(state, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
