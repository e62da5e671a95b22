package io.pumptwin.schemas.serde;

import io.pumptwin.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import io.pumptwin.events.TelemetryEnvelope;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into a generated class, resolving the writer's schema (fetched by
 * id, cached) against the reader's: records written by an older or newer compatible schema read
 * fine. Telemetry written with the envelope's own schema is read by {@link TelemetryEnvelopeReader}. Bad bytes
 * become a typed {@link WireFormatException} or
 * {@link io.pumptwin.schemas.registry.SchemaRegistryException.UnknownSchemaId}.
 */
public final class ConfluentAvroDeserializer<V extends SpecificRecord> implements Deserializer<V> {
  private final SchemaRegistryClient registry;
  private final Schema readerSchema;
  private final Class<V> type;
  private final Map<Integer, DatumReader<V>> readersByWriterId = new ConcurrentHashMap<>();
  private final DecoderFactory decoders = DecoderFactory.get();

  public ConfluentAvroDeserializer(SchemaRegistryClient registry, Class<V> type) {
    AvroClassTrust.ensure();
    this.registry = registry;
    this.type = type;
    this.readerSchema = SpecificData.get().getSchema(type);
  }

  @Override
  public V deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length == 0) {
      throw new WireFormatException.CorruptPayload("empty record (0 bytes)", null);
    }
    if (data[0] != ConfluentAvroSerializer.MAGIC_BYTE) {
      throw new WireFormatException.WrongMagicByte(data[0]);
    }
    if (data.length < 5) {
      throw new WireFormatException.CorruptPayload(
          "record of " + data.length + " bytes is shorter than the 5-byte header", null);
    }
    int schemaId = ByteBuffer.wrap(data, 1, 4).getInt();
    DatumReader<V> reader = readersByWriterId.computeIfAbsent(schemaId, id -> readerFor(registry.schemaById(id)));
    try {
      BinaryDecoder decoder = decoders.binaryDecoder(data, 5, data.length - 5, null);
      V value = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new WireFormatException.CorruptPayload(
            "trailing bytes after the record (schema id " + schemaId + ")", null);
      }
      return value;
    } catch (WireFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Any failure while decoding these bytes is the bytes' fault: besides AvroRuntimeException,
      // Avro throws UnsupportedOperationException for a declared string, bytes or collection length
      // beyond its system limit (found by fuzzing the gateway: it escaped as a 500, and would stop
      // a stream thread), and IndexOutOfBounds, NegativeArraySize or ClassCast for others.
      throw new WireFormatException.CorruptPayload("cannot decode with writer schema id "
          + schemaId + ": " + e, e);
    }
  }

  /** The reader of records written with {@code writer}, resolved against the reader's schema. */
  @SuppressWarnings("unchecked")
  private DatumReader<V> readerFor(Schema writer) {
    if (type == TelemetryEnvelope.class) {
      DatumReader<TelemetryEnvelope> own = TelemetryEnvelopeReader.forWriter(writer);
      if (own != null) {
        return (DatumReader<V>) own;
      }
    }
    return new SpecificDatumReader<>(writer, readerSchema);
  }

  /** Which reader reads records written with schema id {@code schemaId} (for tests: the hand-written one or Avro's). */
  Class<?> readerClassFor(int schemaId) {
    return readersByWriterId.computeIfAbsent(schemaId, id -> readerFor(registry.schemaById(id))).getClass();
  }
}
