package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.run.ReplayRun;
import io.pumptwin.replay.source.FileTelemetrySource;
import io.pumptwin.replay.source.RecordedCommand;
import io.pumptwin.replay.source.RecordedTelemetry;
import io.pumptwin.replay.source.TelemetryFile;
import io.pumptwin.replay.source.TimeRange;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The export file format: format 2 carries staff commands before telemetry; files of format 1
 * (telemetry only, written before commands were exported) still replay, and the replay says they
 * carry no commands; a format newer than this reader is refused with a message naming it.
 */
class ExportFormatTest {
  @TempDir
  Path dir;

  @Test
  void formatTwoCarriesCommandsWithTheTimeProductionAppliedThem() {
    List<RecordedTelemetry> telemetry = simulated();
    Path file = dir.resolve("v2.avro");
    RecordedCommand traced = new RecordedCommand(2, 0, 1_000, Instant.parse("2026-01-03T10:00:01.234Z"),
        command("c-1", AlertAction.ACKNOWLEDGE));
    RecordedCommand untraced = new RecordedCommand(2, 1, 2_000, null, command("c-2", AlertAction.ACKNOWLEDGE));
    try (TelemetryFile.Writer w = new TelemetryFile.Writer(file, Topics.TELEMETRY.name(), 6, TimeRange.all())) {
      w.append(traced);
      w.append(untraced);
      telemetry.forEach(w::append);
      assertThatThrownBy(() -> w.append(traced)).as("a command after telemetry")
          .isInstanceOf(IllegalStateException.class);
    }
    FileTelemetrySource source = new FileTelemetrySource(file);
    assertThat(source.format()).isEqualTo(2);
    assertThat(source.carriesCommands()).isTrue();
    assertThat(source.commands(TimeRange.all())).containsExactly(traced, untraced);
    List<RecordedTelemetry> read = new ArrayList<>();
    assertThat(source.read(TimeRange.all(), read::add, f -> { }).delivered()).isEqualTo(telemetry.size());
    assertThat(read).isEqualTo(telemetry);
  }

  @Test
  void formatOneFilesReplayAsTelemetryWithoutCommandsAndTheReplaySaysSo() throws Exception {
    List<RecordedTelemetry> telemetry = simulated();
    Path file = dir.resolve("v1.avro");
    writeFormatOne(file, telemetry, null);
    FileTelemetrySource source = new FileTelemetrySource(file);
    assertThat(source.format()).isEqualTo(1);
    assertThat(source.carriesCommands()).isFalse();
    assertThat(source.commands(TimeRange.all())).isEmpty();
    List<RecordedTelemetry> read = new ArrayList<>();
    source.read(TimeRange.all(), read::add, f -> { });
    assertThat(read).isEqualTo(telemetry);

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ReplayCommand command = new ReplayCommand();
    new CommandLine(command).parseArgs("--source", "file:" + file, "--threads", "1", "--out",
        dir.resolve("out").toString());
    ReplayRun.Result result = command.run(new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(result.read().delivered()).isEqualTo(telemetry.size());
    assertThat(result.commands()).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("carries no staff commands");
  }

  @Test
  void aFormatNewerThanThisReaderIsRefusedByName() throws Exception {
    Path file = dir.resolve("v3.avro");
    writeFormatOne(file, simulated(), "3");
    assertThatThrownBy(() -> new FileTelemetrySource(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format 3").hasMessageContaining("newer pumptwin");
  }

  private static AlertCommand command(String id, AlertAction action) {
    return AlertCommand.newBuilder().setCommandId(id).setPumpSerial("FMT-0000001")
        .setAlertType(AlertType.REFILL_DUE).setAction(action).setUserId("nurse-f1").setRole(StaffRole.ON_CALL)
        .setClinicId("clinic-001").setIssuedAt(Instant.parse("2026-12-01T08:00:00Z")).build();
  }

  /** A format-1 file as the export wrote it before commands (format: null), or claiming another format. */
  private static void writeFormatOne(Path file, List<RecordedTelemetry> telemetry, String format) throws Exception {
    try (DataFileWriter<GenericRecord> out = new DataFileWriter<>(new SpecificDatumWriter<GenericRecord>(
        TelemetryFile.FORMAT_1_SCHEMA, SpecificData.getForClass(TelemetryEnvelope.class)))) {
      out.setMeta(TelemetryFile.META_TOPIC, Topics.TELEMETRY.name());
      out.setMeta(TelemetryFile.META_PARTITIONS, 6);
      out.setMeta(TelemetryFile.META_RANGE, TimeRange.all().toString());
      if (format != null) {
        out.setMeta(TelemetryFile.META_FORMAT, format);
      }
      out.create(TelemetryFile.FORMAT_1_SCHEMA, file.toFile());
      for (RecordedTelemetry r : telemetry) {
        GenericData.Record record = new GenericData.Record(TelemetryFile.FORMAT_1_SCHEMA);
        record.put("partition", r.partition());
        record.put("offset", r.offset());
        record.put("timestampMillis", r.timestamp());
        record.put("envelope", r.envelope());
        out.append(record);
      }
    }
  }

  /** Three simulated pumps over two days, routed as the producer would. */
  private static List<RecordedTelemetry> simulated() {
    List<RecordedTelemetry> out = new ArrayList<>();
    long[] offsets = new long[6];
    new FleetSimulation(SimulatedTelemetry.scenario("nominal-fleet", 3, 2), 5).runToEnd(SimulatedTelemetry.telemetryTo(e -> {
      int p = InProcessPipeline.partitionOf(e.getPumpSerial(), 6);
      out.add(new RecordedTelemetry(p, offsets[p]++, e.getEventTime().toEpochMilli(), e));
    }));
    return out;
  }
}
