package io.pumptwin.replay.source;

import io.pumptwin.events.TelemetryEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/** Replays an export file ({@link TelemetryFile}) without a broker or a schema registry. */
public final class FileTelemetrySource implements TelemetrySource {
  private final Path file;
  private final int partitions;

  public FileTelemetrySource(Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("export file " + file + " does not exist or cannot be read");
    }
    this.file = file;
    TelemetryFile.trustGeneratedClasses();
    try (DataFileReader<GenericRecord> in = open()) {
      String p = in.getMetaString(TelemetryFile.META_PARTITIONS);
      if (p == null) {
        throw new IllegalArgumentException(file + " is an Avro file but not a PumpTwin telemetry export (no "
            + TelemetryFile.META_PARTITIONS + " metadata)");
      }
      partitions = Integer.parseInt(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read export file " + file, e);
    }
  }

  private DataFileReader<GenericRecord> open() throws IOException {
    try {
      return new DataFileReader<>(file.toFile(), new SpecificDatumReader<GenericRecord>(
          TelemetryFile.SCHEMA, TelemetryFile.SCHEMA, SpecificData.getForClass(TelemetryEnvelope.class)));
    } catch (IOException | AvroRuntimeException e) {
      throw new IllegalArgumentException(file + " is not an Avro object container file: " + e.getMessage(), e);
    }
  }

  @Override
  public int partitions() {
    return partitions;
  }

  @Override
  public ReadSummary read(TimeRange range, Consumer<RecordedTelemetry> sink, ReadProgress progress) {
    long delivered = 0;
    long outOfRange = 0;
    try (DataFileReader<GenericRecord> in = open()) {
      double size = Math.max(1, Files.size(file));
      long n = 0;
      while (in.hasNext()) {
        // No object reuse: the envelope is handed on and must not change under the receiver.
        GenericRecord record = in.next();
        TelemetryEnvelope envelope = (TelemetryEnvelope) record.get("envelope");
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
    return "file " + file;
  }
}
