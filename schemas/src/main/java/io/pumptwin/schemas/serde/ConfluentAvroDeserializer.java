package io.pumptwin.schemas.serde;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
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
  private final Map<Integer, Body<V>> readersByWriterId = new ConcurrentHashMap<>();
  /** The reader of the schema id read last: a topic's records almost all carry one id (issue 5). */
  private volatile Last<V> last;

  public ConfluentAvroDeserializer(SchemaRegistryClient registry, Class<V> type) {
    AvroClassTrust.ensure();
    this.registry = registry;
    this.type = type;
    this.readerSchema = SpecificData.get().getSchema(type);
  }

  /** Reads the Avro body of one record, {@code data[offset, end)}, all of it: bytes left over are an error. */
  interface Body<V> {
    V read(byte[] data, int offset, int end) throws IOException;
  }

  /** The body ended before the bytes did. */
  static final class TrailingBytes extends IOException {
    TrailingBytes() {
      super("trailing bytes after the record");
    }
  }

  private record Last<V>(int schemaId, Body<V> reader) {}

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
    int schemaId = (data[1] & 0xff) << 24 | (data[2] & 0xff) << 16 | (data[3] & 0xff) << 8 | data[4] & 0xff;
    Body<V> reader = bodyReader(schemaId);
    try {
      return reader.read(data, 5, data.length);
    } catch (TrailingBytes e) {
      throw new WireFormatException.CorruptPayload(
          "trailing bytes after the record (schema id " + schemaId + ")", null);
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

  private Body<V> bodyReader(int schemaId) {
    Last<V> l = last;
    if (l != null && l.schemaId() == schemaId) {
      return l.reader();
    }
    Body<V> reader = readersByWriterId.computeIfAbsent(schemaId, id -> readerFor(registry.schemaById(id)));
    last = new Last<>(schemaId, reader);
    return reader;
  }

  /** The reader of records written with {@code writer}, resolved against the reader's schema. */
  @SuppressWarnings("unchecked")
  private Body<V> readerFor(Schema writer) {
    if (type == TelemetryEnvelope.class) {
      TelemetryEnvelopeReader own = TelemetryEnvelopeReader.forWriter(writer);
      if (own != null) {
        return (Body<V>) own;
      }
    }
    SpecificDatumReader<V> avro = new SpecificDatumReader<>(writer, readerSchema);
    return (data, offset, end) -> {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset, end - offset, null);
      V value = avro.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new TrailingBytes();
      }
      return value;
    };
  }

  /** Whether records written with schema id {@code schemaId} are read by the hand-written reader (for tests). */
  boolean readsByHand(int schemaId) {
    return bodyReader(schemaId) instanceof TelemetryEnvelopeReader;
  }
}
