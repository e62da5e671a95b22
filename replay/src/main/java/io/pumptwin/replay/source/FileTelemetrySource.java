package io.pumptwin.replay.source;

import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.TelemetryEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Replays an export file ({@link TelemetryFile}) without a broker or a schema registry: its staff
 * commands (format 2) and its telemetry. A format-1 file (exported before commands were) is read
 * as telemetry without commands ({@link #carriesCommands()} is false).
 */
public final class FileTelemetrySource implements TelemetrySource {
  private final Path file;
  private final int partitions;
  private final int format;

  public FileTelemetrySource(Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("export file " + file + " does not exist or cannot be read");
    }
    this.file = file;
    TelemetryFile.trustGeneratedClasses();
    try (DataFileReader<GenericRecord> in = open(null)) {
      String p = in.getMetaString(TelemetryFile.META_PARTITIONS);
      if (p == null) {
        throw new IllegalArgumentException(file + " is an Avro file but not a PumpTwin telemetry export (no "
            + TelemetryFile.META_PARTITIONS + " metadata)");
      }
      partitions = Integer.parseInt(p);
      String f = in.getMetaString(TelemetryFile.META_FORMAT);
      format = f == null ? 1 : Integer.parseInt(f);
      if (format > TelemetryFile.FORMAT) {
        throw new IllegalArgumentException(file + " is a PumpTwin export of format " + format + ", written by a "
            + "newer pumptwin; this one reads formats 1 to " + TelemetryFile.FORMAT + ": replay it with that version");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read export file " + file, e);
    }
  }

  private DataFileReader<GenericRecord> open(Schema reader) throws IOException {
    try {
      // The writer's schema comes from the file header; the reader's is the format's own (null: the writer's).
      return new DataFileReader<>(file.toFile(), new SpecificDatumReader<GenericRecord>(null, reader,
          SpecificData.getForClass(TelemetryEnvelope.class)));
    } catch (IOException | AvroRuntimeException e) {
      throw new IllegalArgumentException(file + " is not an Avro object container file: " + e.getMessage(), e);
    }
  }

  private Schema readerSchema() {
    return format == 1 ? TelemetryFile.FORMAT_1_SCHEMA : TelemetryFile.SCHEMA;
  }

  @Override
  public int partitions() {
    return partitions;
  }

  /** The export format (1: telemetry only; 2: telemetry and staff commands). */
  public int format() {
    return format;
  }

  @Override
  public boolean carriesCommands() {
    return format >= 2;
  }

  @Override
  public List<RecordedCommand> commands(TimeRange range) {
    List<RecordedCommand> out = new ArrayList<>();
    if (format < 2) {
      return out;
    }
    try (DataFileReader<GenericRecord> in = open(TelemetryFile.SCHEMA)) {
      while (in.hasNext()) {
        GenericRecord record = in.next();
        // Commands come first in the file: the first telemetry record ends them.
        if (!(record.get("record") instanceof GenericRecord c) || c instanceof TelemetryEnvelope) {
          break;
        }
        Long applied = (Long) c.get("appliedAtMillis");
        RecordedCommand command = new RecordedCommand((Integer) record.get("partition"), (Long) record.get("offset"),
            (Long) record.get("timestampMillis"), applied == null ? null : Instant.ofEpochMilli(applied),
            (AlertCommand) c.get("command"));
        if (range.contains(command.orderedAt())) {
          out.add(command);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read export file " + file, e);
    }
    return out;
  }

  @Override
  public ReadSummary read(TimeRange range, Consumer<RecordedTelemetry> sink, ReadProgress progress) {
    long delivered = 0;
    long outOfRange = 0;
    String field = format == 1 ? "envelope" : "record";
    try (DataFileReader<GenericRecord> in = open(readerSchema())) {
      double size = Math.max(1, Files.size(file));
      long n = 0;
      while (in.hasNext()) {
        // No object reuse: the envelope is handed on and must not change under the receiver.
        GenericRecord record = in.next();
        if (!(record.get(field) instanceof TelemetryEnvelope envelope)) {
          continue; // a staff command: read by commands()
        }
        if (!range.contains(envelope.getEventTime())) {
          outOfRange++;
        } else {
          sink.accept(new RecordedTelemetry((Integer) record.get("partition"), (Long) record.get("offset"),
              (Long) record.get("timestampMillis"), envelope));
          delivered++;
        }
        if (++n % 10_000 == 0) {
          progress.advanced(Math.min(1, in.previousSync() / size));
        }
      }
      progress.advanced(1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read export file " + file, e);
    }
    return new ReadSummary(delivered, outOfRange, 0);
  }

  @Override
  public String describe() {
    return "file " + file + (format == 1 ? " (export format 1: telemetry only)" : "");
  }
}
