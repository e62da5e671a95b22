package io.pumptwin.twin.wire;

import io.pumptwin.events.Provenance;
import io.pumptwin.events.TwinState;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * Writes TwinState in standard Avro binary, with the provenance's parameter map encoded once: every state an
 * engine writes carries the same ~40 model parameters, and encoding them again for each state was the largest
 * single item of the engine's time (JFR). The bytes are those a plain SpecificDatumWriter writes (a test compares).
 *
 * <p>Only the one map instance given here is taken from the cache (compared by identity): the engine builds it
 * once, unmodifiable, and puts that instance into every state; any other map is encoded as usual.
 */
public final class TwinStateWriter extends SpecificDatumWriter<TwinState> {
    private final Map<String, Double> parameters;
    private final byte[] encodedParameters;

    /** @param parameters the engine's parameter map, unmodifiable and never changed after this call */
    public TwinStateWriter(Map<String, Double> parameters) {
        // By class, not by schema: from a schema Avro looks the generated class up by name, which Avro 1.12 refuses
        // until the serdes' package trust is installed (the writer is built before the serializer that takes it).
        super(TwinState.class);
        this.parameters = parameters;
        Schema mapSchema = Provenance.getClassSchema().getField("parameters").schema();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<Map<String, Double>>(mapSchema).write(parameters, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.encodedParameters = out.toByteArray();
    }

    /**
     * A timestamp-millis field written as the long its conversion gives, without the conversion's lookup by class and
     * logical type and the boxing of the long: a state holds a few dozen timestamps, and that path was the largest
     * single item of writing a state (JFR of the throughput benchmark, issue 5). Same bytes (the test compares).
     */
    @Override
    protected void write(Schema schema, Object datum, Encoder out) throws IOException {
        if (datum instanceof Instant instant && schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            out.writeLong(instant.toEpochMilli());
            return;
        }
        super.write(schema, datum, out);
    }

    /**
     * The same for a record's own timestamp-millis field (not in a union): SpecificDatumWriter converts it through
     * the record's conversion into a boxed Long before writing it (seen in the throughput benchmark's profile, issue
     * 5). Same bytes (the test compares).
     */
    @Override
    protected void writeField(Object datum, Schema.Field f, Encoder out, Object state) throws IOException {
        if (datum instanceof SpecificRecordBase record
                && f.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis
                && record.get(f.pos()) instanceof Instant instant) {
            out.writeLong(instant.toEpochMilli());
            return;
        }
        super.writeField(datum, f, out, state);
    }

    @Override
    protected void writeMap(Schema schema, Object datum, Encoder out) throws IOException {
        if (datum == parameters && out instanceof BinaryEncoder) {
            out.writeFixed(encodedParameters);
            return;
        }
        super.writeMap(schema, datum, out);
    }
}
