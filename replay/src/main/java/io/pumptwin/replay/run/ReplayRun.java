package io.pumptwin.replay.run;

import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.pipeline.PipelineParameters;
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
 * One replay: reads the source once and feeds every record to one in-process pipeline per
 * parameter set (production's, and the what-if's if there is one), so both runs see exactly the
 * same input in the same order. Nothing is written to any topic.
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

  /** @param whatIf null for a plain replay */
  public record Result(Settings settings, RunOutput baseline, RunOutput whatIf, ReadSummary read, int partitions,
      double seconds, double recordsPerSecond, long deadLetters) {}

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
    try (baseline; InProcessPipeline base = new InProcessPipeline(s.baseline(), partitions, baseline,
        s.threads())) {
      pipelines.add(base);
      InProcessPipeline alt = whatIf == null ? null : new InProcessPipeline(s.whatIf(), partitions, whatIf,
          s.threads());
      try {
        if (alt != null) {
          pipelines.add(alt);
        }
        log.info("event=replay.start source=\"{}\" partitions={} threads={} input={} what_if={}",
            s.source().describe(), partitions, s.threads(), s.input(),
            s.whatIf() == null ? "none" : s.whatIf().model().name());
        read = s.source().read(s.input(), r -> {
          for (InProcessPipeline p : pipelines) {
            p.send(r.partition(), r.envelope(), r.timestamp());
          }
          progress.record();
        }, progress::fraction);
        for (InProcessPipeline p : pipelines) {
          deadLetters += p.deadLetters();
        }
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
    log.info("event=replay.done records={} out_of_range={} undecodable={} seconds={} rate={} dead_letters={}",
        read.delivered(), read.outOfRange(), read.undecodable(), Math.round(progress.elapsedSeconds()),
        Math.round(progress.ratePerSecond()), deadLetters);
    return new Result(s, baseline, whatIf, read, partitions, progress.elapsedSeconds(), progress.ratePerSecond(),
        deadLetters);
  }
}
