package io.pumptwin.schemas.serde;

import io.pumptwin.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
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
  /**
   * A reusable buffer and encoder per calling thread: a serializer is shared by the stream threads of a topology,
   * each calls it for every record, and a fresh synchronized stream plus encoder per record was a measurable part
   * of the twin engine's time.
   */
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  /** Schema id per topic: the writer schema is fixed, so one registry round trip per topic. */
  private final java.util.Map<String, Integer> idsByTopic = new java.util.concurrent.ConcurrentHashMap<>();

  public ConfluentAvroSerializer(SchemaRegistryClient registry, Class<V> type, SerdeSettings settings,
      boolean isKey) {
    AvroClassTrust.ensure();
    this.registry = registry;
    this.schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
    this.settings = settings;
    this.isKey = isKey;
    this.writer = new InstantWritingDatumWriter<>(schema, writingModel(type));
  }

  /**
   * The class's own model (its logical-type conversions), with Avro's generated coders switched on: Avro leaves them
   * off unless the system property {@code org.apache.avro.specific.use_custom_coders} is true, and a writer made from
   * the class alone took the generic path for every record (until 2026-12-05 this serializer did, though the template
   * generates coders for all but the telemetry envelope). A copy, so that the model Avro shares per class is left as
   * it is.
   */
  static SpecificData writingModel(Class<?> type) {
    SpecificData model = new SpecificData(type.getClassLoader());
    model.setCustomCoders(true);
    SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
    return model;
  }

  /** Whether records are written by their generated coders, where they have them (the template, record.vm). */
  boolean writesWithGeneratedCoders() {
    return writer.getSpecificData().useCustomCoders();
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
    Scratch out = scratch.get();
    out.reset();
    out.write(MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      // Buffered: a record is many small writes (a varint, a double, a short string), which the direct encoder
      // passed one by one to the stream; buffered, they cost an array store each and one copy at the flush. With
      // the generated coders, a twin state is written 2-4 times faster so (issue 5; the template, record.vm).
      out.encoder = encoders.binaryEncoder(out, out.encoder);
      writer.write(value, out.encoder);
      out.encoder.flush();
    } catch (IOException | RuntimeException e) {
      // what a failed record left in the encoder's buffer must not reach the next record's bytes
      out.encoder = null;
      throw new SerializationException("cannot encode " + schema.getFullName() + " for topic "
          + topic + ": " + e.getMessage(), e);
    }
    return out.copy();
  }

  /** An unsynchronized growing byte buffer with the encoder that writes into it; one per thread. */
  private static final class Scratch extends OutputStream {
    /** A buffer grown past this by one huge record is not kept for the next ones. */
    private static final int KEEP_AT_MOST = 1 << 20;
    private byte[] buf = new byte[4096];
    private int size;
    private BinaryEncoder encoder;

    void reset() {
      if (buf.length > KEEP_AT_MOST) {
        buf = new byte[4096];
      }
      size = 0;
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    byte[] copy() {
      return Arrays.copyOf(buf, size);
    }
  }
}
