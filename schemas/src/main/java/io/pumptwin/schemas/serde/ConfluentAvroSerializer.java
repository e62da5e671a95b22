package io.pumptwin.schemas.serde;

import io.pumptwin.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes the Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then Avro binary.
 * The subject follows the topic-name strategy ({@code <topic>-value}), so any Confluent-compatible
 * consumer reads these records.
 */
public final class ConfluentAvroSerializer<V extends SpecificRecord> implements Serializer<V> {
  static final byte MAGIC_BYTE = 0;

  private final SchemaRegistryClient registry;
  private final Schema schema;
  private final SerdeSettings settings;
  private final boolean isKey;
  private final SpecificDatumWriter<V> writer;
  private final EncoderFactory encoders = EncoderFactory.get();
  /** Schema id per topic: the writer schema is fixed, so one registry round trip per topic. */
  private final java.util.Map<String, Integer> idsByTopic = new java.util.concurrent.ConcurrentHashMap<>();

  public ConfluentAvroSerializer(SchemaRegistryClient registry, Class<V> type, SerdeSettings settings,
      boolean isKey) {
    AvroClassTrust.ensure();
    this.registry = registry;
    this.schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
    this.settings = settings;
    this.isKey = isKey;
    this.writer = new SpecificDatumWriter<>(schema);
  }

  @Override
  public byte[] serialize(String topic, V value) {
    if (value == null) {
      return null; // a tombstone stays a tombstone
    }
    int id = idsByTopic.computeIfAbsent(topic, t -> {
      String subject = t + (isKey ? "-key" : "-value");
      return settings.autoRegister() ? registry.register(subject, schema) : registry.idOf(subject, schema);
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      BinaryEncoder encoder = encoders.directBinaryEncoder(out, null);
      writer.write(value, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + schema.getFullName() + " for topic "
          + topic + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
