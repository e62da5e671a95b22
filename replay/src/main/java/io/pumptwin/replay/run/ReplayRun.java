package io.pumptwin.replay.run;

import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.replay.source.RecordedCommand;
import io.pumptwin.replay.source.TelemetrySource;
import io.pumptwin.replay.source.TelemetrySource.ReadSummary;
import io.pumptwin.replay.source.TimeRange;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replay: reads the source's staff commands, then its telemetry once, and feeds every record to
 * one in-process pipeline per parameter set (production's, and the what-if's if there is one), so
 * both runs see exactly the same input in the same order, production's commands included. Nothing
 * is written to any topic.
 */
public final class ReplayRun {
  private static final Logger log = LoggerFactory.getLogger(ReplayRun.class);

  /**
   * @param input   the event-time range of telemetry fed to the twins (null ends: the whole source)
   * @param filter  which outputs are written and reported
   * @param whatIf  null for a plain replay
   * @param progress where the progress line goes; null for none
   * @param threads  worker threads of each pipeline (1: everything on the caller's thread); the outputs are
   *     the same whatever the number (see {@link InProcessPipeline})
   */
  public record Settings(TelemetrySource source, TimeRange input, OutputFilter filter, PipelineParameters baseline,
      PipelineParameters whatIf, Path out, PrintStream progress, int threads) {
    public Settings {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, was " + threads);
      }
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(filter, "filter");
      Objects.requireNonNull(baseline, "baseline");
      Objects.requireNonNull(out, "out");
    }
  }

  /**
   * @param whatIf null for a plain replay
   * @param commands the staff commands replayed (both runs get the same: a what-if keeps production's
   *     commands, applied at the times production applied them)
   * @param commandsRejected of those, refused by the production-parameter run's alerting (no open alert of the
   *     type at the time, a viewer's role); production refused some too
   */
  public record Result(Settings settings, RunOutput baseline, RunOutput whatIf, ReadSummary read, int partitions,
      double seconds, double recordsPerSecond, long deadLetters, List<RecordedCommand> commands,
      long commandsRejected) {
    public Result {
      commands = List.copyOf(commands);
    }
  }

  private ReplayRun() {}

  public static Result run(Settings s) {
    int partitions = s.source().partitions();
    Progress progress = new Progress(s.progress(), "replay");
    List<InProcessPipeline> pipelines = new ArrayList<>();
    RunOutput baseline = new RunOutput(s.baseline().model().name(), s.out().resolve("baseline"), s.filter());
    RunOutput whatIf = s.whatIf() == null ? null
        : new RunOutput(s.whatIf().model().name(), s.out().resolve("what-if"), s.filter());
    ReadSummary read;
    long deadLetters = 0;
    long commandsRejected;
    // Commands first: they are few, and each must be in place before the twin event it precedes.
    List<RecordedCommand> commands = s.source().commands(s.input());
    if (!s.source().carriesCommands() && s.progress() != null) {
      s.progress().println("replay: " + s.source().describe() + " carries no staff commands: alerts are replayed "
          + "as if nobody had acknowledged, silenced or resolved them");
    }
    baseline.commands(commands);
    try (baseline; InProcessPipeline base = new InProcessPipeline(s.baseline(), partitions, baseline,
        s.threads())) {
      pipelines.add(base);
      InProcessPipeline alt = whatIf == null ? null : new InProcessPipeline(s.whatIf(), partitions, whatIf,
          s.threads());
      try {
        if (alt != null) {
          pipelines.add(alt);
          whatIf.commands(commands);
        }
        for (InProcessPipeline p : pipelines) {
          p.schedule(commands);
        }
        log.info("event=replay.start source=\"{}\" partitions={} threads={} input={} what_if={} staff_commands={}",
            s.source().describe(), partitions, s.threads(), s.input(),
            s.whatIf() == null ? "none" : s.whatIf().model().name(), commands.size());
        read = s.source().read(s.input(), r -> {
          s.filter().known().learn(r.envelope()); // before its outputs: a model filter asks for the pump's model
          for (InProcessPipeline p : pipelines) {
            p.send(r.partition(), r.envelope(), r.timestamp());
          }
          progress.record();
        }, progress::fraction);
        for (InProcessPipeline p : pipelines) {
          p.finishInput();
          deadLetters += p.deadLetters();
        }
        commandsRejected = base.commandsRejected();
      } finally {
        if (alt != null) {
          alt.close();
        }
        if (whatIf != null) {
          whatIf.close();
        }
      }
    }
    progress.done();
    log.info("event=replay.done records={} out_of_range={} undecodable={} seconds={} rate={} dead_letters={} "
            + "staff_commands={} commands_rejected={}", read.delivered(), read.outOfRange(), read.undecodable(),
        Math.round(progress.elapsedSeconds()), Math.round(progress.ratePerSecond()), deadLetters, commands.size(),
        commandsRejected);
    return new Result(s, baseline, whatIf, read, partitions, progress.elapsedSeconds(), progress.ratePerSecond(),
        deadLetters, commands, commandsRejected);
  }
}
