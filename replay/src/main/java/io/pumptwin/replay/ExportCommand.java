package io.pumptwin.replay;

import io.pumptwin.replay.run.Progress;
import io.pumptwin.replay.source.RecordedCommand;
import io.pumptwin.replay.source.TelemetryFile;
import io.pumptwin.replay.source.TelemetrySource;
import io.pumptwin.replay.source.TimeRange;
import io.pumptwin.replay.source.TopicTelemetrySource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pumptwin export}: a time range of the telemetry topic, and the staff commands with the time
 * production applied each, to an Avro object container file ({@link TelemetryFile}), which {@code pumptwin replay --source file:<path>} replays without a
 * broker or a registry.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Exports a time range of pump.telemetry.v1, and the staff commands of pump.alert.commands.v1 with the "
        + "time production applied each, to a self-describing Avro file for replay without a broker.")
public final class ExportCommand implements Callable<Integer> {
  @Mixin
  SourceOptions source = new SourceOptions();

  @Option(names = "--from", converter = TimeArgument.class, description = "From this event time (inclusive).")
  Instant from;

  @Option(names = "--to", converter = TimeArgument.class, description = "To this event time (exclusive).")
  Instant to;

  @Option(names = "--out", required = true, description = "The file to write, e.g. telemetry-2026-06.avro.")
  Path out;

  @Override
  public Integer call() {
    try {
      long n = export(System.err);
      System.err.println("export: " + n + " records to " + out.toAbsolutePath());
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("export: " + e.getMessage());
      return 2;
    }
  }

  long export(PrintStream progressOut) {
    TimeRange range = new TimeRange(from, to);
    TopicTelemetrySource topic = source.topic();
    Progress progress = new Progress(progressOut, "export");
    TelemetrySource.ReadSummary read;
    long commands;
    try (TelemetryFile.Writer writer = new TelemetryFile.Writer(out, source.topic, topic.partitions(), range)) {
      // Staff commands first, with the time production applied each: a replay needs them before telemetry.
      topic.commands(range).stream().sorted(Comparator.comparingInt(RecordedCommand::partition)
          .thenComparingLong(RecordedCommand::offset)).forEach(writer::append);
      commands = writer.commands();
      read = topic.read(range, r -> {
        writer.append(r);
        progress.record();
      }, progress::fraction);
    }
    progress.done();
    progressOut.println("export: " + commands + " staff commands (acknowledge, silence, unsilence, resolve)");
    if (read.undecodable() > 0) {
      progressOut.println("export: " + read.undecodable() + " undecodable records not exported (the twin engine "
          + "dead-lettered them too)");
    }
    return read.delivered();
  }
}
