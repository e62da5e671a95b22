package io.pumptwin.twin.wire;

import io.pumptwin.events.Provenance;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.serde.InstantWritingDatumWriter;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes TwinState in standard Avro binary, with the provenance's parameter map encoded once: every state an
 * engine writes carries the same ~40 model parameters, and encoding them again for each state was the largest
 * single item of the engine's time (JFR). Its timestamps are written as every serializer of ours writes them
 * ({@link InstantWritingDatumWriter}). The bytes are those a plain SpecificDatumWriter writes (a test compares).
 *
 * <p>Only the one map instance given here is taken from the cache (compared by identity): the engine builds it
 * once, unmodifiable, and puts that instance into every state; any other map is encoded as usual.
 */
public final class TwinStateWriter extends InstantWritingDatumWriter<TwinState> {
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

    @Override
    protected void writeMap(Schema schema, Object datum, Encoder out) throws IOException {
        if (datum == parameters && out instanceof BinaryEncoder) {
            out.writeFixed(encodedParameters);
            return;
        }
        super.writeMap(schema, datum, out);
    }
}
