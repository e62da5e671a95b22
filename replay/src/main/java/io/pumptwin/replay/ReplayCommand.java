package io.pumptwin.replay;

import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.replay.report.AlertComparison;
import io.pumptwin.replay.report.HtmlReport;
import io.pumptwin.replay.run.OutputFilter;
import io.pumptwin.replay.run.PumpModels;
import io.pumptwin.replay.run.ReplayRun;
import io.pumptwin.replay.source.TimeRange;
import io.pumptwin.replay.whatif.WhatIf;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pumptwin replay}: recorded telemetry and staff commands through the production twin and alerting topologies,
 * in-process (never writing to a topic), with production's parameters and optionally a what-if;
 * twin trajectories, twin events and alerts as CSV, and an HTML report.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replays recorded telemetry and staff commands through the production twin and alert policy, "
        + "in-process, and writes twin trajectories and alerts (CSV) and a self-contained HTML report.",
        "Each staff command (acknowledge, silence, unsilence, resolve) is applied at the time production's alerting "
            + "applied it, as pump.alerts.v1 records it; a what-if keeps production's commands.",
        "Never writes to any topic. With --what-if, the same input also runs under the what-if's parameters and "
            + "the report shows alerts gained and lost and lead times shifted."})
public final class ReplayCommand implements Callable<Integer> {
  @Mixin
  SourceOptions source = new SourceOptions();

  @Option(names = "--from", converter = TimeArgument.class,
      description = "Report outputs from this event time (UTC instant or day). Default: the start of the input.")
  Instant from;

  @Option(names = "--to", converter = TimeArgument.class,
      description = "Replay and report up to this event time (exclusive). Default: the end of the input.")
  Instant to;

  @Option(names = "--history-from", converter = TimeArgument.class,
      description = "Feed telemetry from this event time. Default: the start of the source, so each twin has its "
          + "whole history and the replay reproduces production; a later start begins every twin afresh.")
  Instant historyFrom;

  @Option(names = "--pump", split = ",", description = "Only these pump serials in the outputs (repeatable).")
  List<String> pumps = List.of();

  @Option(names = "--clinic", split = ",", description = "Only these clinics in the outputs (repeatable).")
  List<String> clinics = List.of();

  @Option(names = "--model", split = ",", paramLabel = "<mL>",
      description = "Only pumps of these models in the outputs, by reservoir size: 20 or 40 (mL; repeatable). A pump's "
          + "model is learned from its status reports; its outputs before the first one are left out.")
  List<Integer> modelsMl = List.of();

  @Option(names = "--what-if", paramLabel = "<yaml>",
      description = "Model and alert-policy settings to compare against production (see replay/whatif.example.yaml).")
  Path whatIf;

  @Option(names = "--out", required = true, description = "Output folder (created).")
  Path out;

  @Option(names = "--threads", paramLabel = "<n>",
      description = "Worker threads for the partitions (at most the partition count; 1 runs everything on one "
          + "thread). The outputs are the same whatever the number. Default: the number of cores.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    PrintStream err = System.err;
    try {
      ReplayRun.Result result = run(err);
      Path report = new HtmlReport(result).write();
      err.println("replay: report " + report.toAbsolutePath());
      err.println("replay: CSV in " + result.baseline().dir().toAbsolutePath()
          + (result.whatIf() == null ? "" : " and " + result.whatIf().dir().toAbsolutePath()));
      if (result.whatIf() != null) {
        AlertComparison cmp = AlertComparison.of(result.baseline().alerts(), result.whatIf().alerts());
        err.printf("replay: what-if %s: %d alerts paired, %d gained, %d lost%n", result.whatIf().name(),
            cmp.matched().size(), cmp.gained().size(), cmp.lost().size());
      }
      return 0;
    } catch (IllegalArgumentException e) { // includes WhatIf.WhatIfRejected: a message the analyst can act on
      err.println("replay: " + e.getMessage());
      return 2;
    }
  }

  /** The replay itself, without the report: tests and the benchmark call it. */
  ReplayRun.Result run(PrintStream progress) {
    TimeRange report = new TimeRange(from, to);
    if (historyFrom != null && from != null && historyFrom.isAfter(from)) {
      throw new IllegalArgumentException("--history-from " + historyFrom + " is after --from " + from);
    }
    for (int ml : modelsMl) {
      if (ml != 20 && ml != 40) {
        throw new IllegalArgumentException("--model " + ml + ": pump models are told apart by reservoir size, 20 or 40 mL");
      }
    }
    PipelineParameters production = PipelineParameters.production();
    PipelineParameters alternative = whatIf == null ? null : WhatIf.load(whatIf).applyTo(production);
    return ReplayRun.run(new ReplayRun.Settings(source.open(), new TimeRange(historyFrom, to),
        new OutputFilter(Set.copyOf(pumps), Set.copyOf(clinics), Set.copyOf(modelsMl), report, new PumpModels()), production, alternative, out, progress,
        threads));
  }
}
