package io.pumptwin.replay.source;

import io.pumptwin.events.AlertCommand;
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
 * The export format: an Avro object container file of {@code RecordedInput} records (partition,
 * offset, record timestamp, and either a {@code TelemetryEnvelope} of the telemetry topic or a
 * {@code RecordedCommand}: a staff command of the command topic with the time production's alerting
 * applied it). Commands come first in the file (they are few, and a replay must know them before it
 * feeds telemetry, see {@code InProcessPipeline}); telemetry follows, each partition in offset order.
 *
 * <p>Why this format: the writer schema travels in the file header, so the file reads without the
 * schema registry (any Avro tool can open it: {@code avro-tools tojson}) and stays readable after
 * the envelope schema evolves; it is compact binary with sync markers, so a truncated copy loses
 * its last block, not the file; and it is the contract's own Avro, so nothing is re-modelled.
 * Partition and offset are kept because a replay that is to reproduce production runs each
 * partition as production's task did, in offset order. File metadata says which topic and how
 * many partitions it came from, the range exported and the format ({@value #FORMAT}).
 *
 * <p>Format 1 (files written before staff commands were exported, no {@value #META_FORMAT} metadata)
 * held {@code RecordedTelemetry} records, telemetry only; they are still read, as telemetry without
 * commands, and the replay says so. A format newer than this reader knows is refused by name.
 */
public final class TelemetryFile {
  public static final String META_TOPIC = "pumptwin.topic";
  public static final String META_PARTITIONS = "pumptwin.partitions";
  public static final String META_RANGE = "pumptwin.range";

  public static final String META_FORMAT = "pumptwin.format";
  /** The format this code writes; it reads this one and every older one. */
  public static final int FORMAT = 2;

  /** Format 1: telemetry only (no {@value #META_FORMAT} metadata). Kept to read old exports. */
  public static final Schema FORMAT_1_SCHEMA = SchemaBuilder.record("RecordedTelemetry")
      .namespace("io.pumptwin.replay.export")
      .doc("One record of pump.telemetry.v1 as the topic held it")
      .fields()
      .requiredInt("partition")
      .requiredLong("offset")
      .name("timestampMillis").doc("the Kafka record timestamp").type().longType().noDefault()
      .name("envelope").type(TelemetryEnvelope.getClassSchema()).noDefault()
      .endRecord();

  static final Schema COMMAND_SCHEMA = SchemaBuilder.record("RecordedCommand")
      .namespace("io.pumptwin.replay.export")
      .doc("A staff command of pump.alert.commands.v1 and when production's alerting applied it")
      .fields()
      .name("appliedAtMillis").doc("production's alert clock when it applied the command (the event time of "
          + "the alert transition it caused); null when it caused none (rejected, or a repeat)")
      .type().optional().longType()
      .name("command").type(AlertCommand.getClassSchema()).noDefault()
      .endRecord();

  /** Format 2: telemetry and staff commands. */
  public static final Schema SCHEMA = SchemaBuilder.record("RecordedInput")
      .namespace("io.pumptwin.replay.export")
      .doc("One record of pump.telemetry.v1 or pump.alert.commands.v1 as the topic held it")
      .fields()
      .name("partition").doc("the record's partition in its topic").type().intType().noDefault()
      .name("offset").doc("the record's offset in its partition").type().longType().noDefault()
      .name("timestampMillis").doc("the Kafka record timestamp").type().longType().noDefault()
      .name("record").doc("a telemetry envelope, or a staff command").type(
          Schema.createUnion(TelemetryEnvelope.getClassSchema(), COMMAND_SCHEMA)).noDefault()
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
    private long commands;

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
        out.setMeta(META_FORMAT, FORMAT);
        out.create(SCHEMA, file.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create export file " + file, e);
      }
    }

    /** A staff command; every command must come before the first telemetry record. */
    public void append(RecordedCommand c) {
      if (written > 0) {
        throw new IllegalStateException("staff commands are written before telemetry (a replay reads them first)");
      }
      GenericData.Record command = new GenericData.Record(COMMAND_SCHEMA);
      command.put("appliedAtMillis", c.appliedAt() == null ? null : c.appliedAt().toEpochMilli());
      command.put("command", c.command());
      write(c.partition(), c.offset(), c.timestamp(), command);
      commands++;
    }

    public void append(RecordedTelemetry r) {
      write(r.partition(), r.offset(), r.timestamp(), r.envelope());
      written++;
    }

    private void write(int partition, long offset, long timestamp, Object value) {
      GenericData.Record record = new GenericData.Record(SCHEMA);
      record.put("partition", partition);
      record.put("offset", offset);
      record.put("timestampMillis", timestamp);
      record.put("record", value);
      try {
        out.append(record);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the export file", e);
      }
    }

    /** Staff commands written. */
    public long commands() {
      return commands;
    }

    /** Telemetry records written. */
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
