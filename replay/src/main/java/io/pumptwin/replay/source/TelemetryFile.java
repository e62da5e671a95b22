package io.pumptwin.replay.source;

import io.pumptwin.events.TelemetryEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The export format: an Avro object container file of {@code RecordedTelemetry} records (partition,
 * offset, record timestamp, and the {@code TelemetryEnvelope} itself).
 *
 * <p>Why this format: the writer schema travels in the file header, so the file reads without the
 * schema registry (any Avro tool can open it: {@code avro-tools tojson}) and stays readable after
 * the envelope schema evolves; it is compact binary with sync markers, so a truncated copy loses
 * its last block, not the file; and it is the contract's own Avro, so nothing is re-modelled.
 * Partition and offset are kept because a replay that is to reproduce production runs each
 * partition as production's task did, in offset order. File metadata says which topic and how
 * many partitions it came from, and the range exported.
 */
public final class TelemetryFile {
  public static final String META_TOPIC = "pumptwin.topic";
  public static final String META_PARTITIONS = "pumptwin.partitions";
  public static final String META_RANGE = "pumptwin.range";

  public static final Schema SCHEMA = SchemaBuilder.record("RecordedTelemetry")
      .namespace("io.pumptwin.replay.export")
      .doc("One record of pump.telemetry.v1 as the topic held it")
      .fields()
      .requiredInt("partition")
      .requiredLong("offset")
      .name("timestampMillis").doc("the Kafka record timestamp").type().longType().noDefault()
      .name("envelope").type(TelemetryEnvelope.getClassSchema()).noDefault()
      .endRecord();

  private TelemetryFile() {}

  /** Avro 1.12 instantiates only trusted classes: trust the contract's generated package. */
  static void trustGeneratedClasses() {
    ClassSecurityValidator.ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
    if (!global.isTrusted(TelemetryEnvelope.class) || !global.isTrusted(io.pumptwin.events.TelemetrySource.class)) {
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(global,
          c -> c.getPackageName().equals(TelemetryEnvelope.class.getPackageName())));
    }
  }

  /** Writes an export file; records of each partition must be appended in offset order. */
  public static final class Writer implements AutoCloseable {
    private final DataFileWriter<GenericRecord> out;
    private long written;

    public Writer(Path file, String topic, int partitions, TimeRange range) {
      trustGeneratedClasses();
      try {
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
        out = new DataFileWriter<>(new SpecificDatumWriter<GenericRecord>(SCHEMA,
            SpecificData.getForClass(TelemetryEnvelope.class)));
        // deflate level 1: most of the gain at a fraction of the time; needs no native codec.
        out.setCodec(CodecFactory.deflateCodec(1));
        out.setMeta(META_TOPIC, topic);
        out.setMeta(META_PARTITIONS, partitions);
        out.setMeta(META_RANGE, range.toString());
        out.create(SCHEMA, file.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create export file " + file, e);
      }
    }

    public void append(RecordedTelemetry r) {
      GenericData.Record record = new GenericData.Record(SCHEMA);
      record.put("partition", r.partition());
      record.put("offset", r.offset());
      record.put("timestampMillis", r.timestamp());
      record.put("envelope", r.envelope());
      try {
        out.append(record);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the export file", e);
      }
      written++;
    }

    public long written() {
      return written;
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the export file", e);
      }
    }
  }
}
