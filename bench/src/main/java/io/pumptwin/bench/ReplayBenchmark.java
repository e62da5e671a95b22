package io.pumptwin.bench;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.pipeline.PipelineListener;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.replay.run.Progress;
import io.pumptwin.replay.source.FileTelemetrySource;
import io.pumptwin.replay.source.TelemetryFile;
import io.pumptwin.replay.source.TelemetrySource;
import io.pumptwin.replay.source.TimeRange;
import io.pumptwin.replay.source.TopicTelemetrySource;
import io.pumptwin.schemas.topics.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replay rate against the twin engine's own rate and the bare Kafka Streams baseline, same broker,
 * same records, same run (issue 8, "Benchmark": throughput close to the twin engine's). A fleet-day
 * is 100,000 pumps reporting every 15 minutes: 96 reports per pump, about 9.6 million records. Usage:
 *
 * <pre>
 * ./mvnw -q -B -o -pl bench exec:exec -Dbench.main=io.pumptwin.bench.ReplayBenchmark \
 *     -Dbench.args="--pumps 10000 --reports-per-pump 96 --rounds 2"
 * </pre>
 *
 * <p>Measured over the one fixture topic, alternating over {@code --rounds} rounds with a rotating
 * start, each reported by its best round: the bare {@code groupByKey().aggregate()} baseline with
 * exactly_once_v2 ({@link StreamsRun}, as the twin-engine benchmark measures it); the twin engine
 * ({@code TwinTopology} with TwinEngine's Streams settings, as the twin-engine benchmark measures
 * it); a replay from the topic (the replay module's {@link TopicTelemetrySource} feeding one
 * {@link InProcessPipeline} with production's parameters) on one thread and ({@code --workers
 * false} skips it) on worker threads. Then, once: an export of the topic to the replay's file
 * format and a replay from that file ({@code --file false} skips both). The replay does more than
 * the twin engine (the alerting topology too), so its ratio to the engine understates it a little.
 * Outputs are counted, never kept: a fleet-day's twin states do not fit a 2 GB heap, and the figure
 * is the pipeline's rate, not a list's.
 *
 * <p>A fleet-day ({@code --pumps 100000 --reports-per-pump 96}) takes minutes per contender on 2
 * cores: the fixture, each contender and each replay print progress with rate and time left, every
 * phase prints the time spent so far, and {@code --budget-minutes} stops starting new contenders once
 * the budget is spent (the table says which did not run). The order is the one that matters most
 * first: the baseline, the replay, then the twin engine and the worker-thread replay.
 *
 * <p>Writes a Markdown table to bench/results/replay.md after every contender (so an interrupted run
 * leaves what it measured), with the file's previous content kept below it as history.
 */
public final class ReplayBenchmark {

  /** Counts what the pipeline publishes; keeps nothing. */
  private static final class CountingListener implements PipelineListener {
    long states;
    long twinEvents;
    long alerts;

    @Override
    public void onTwinState(int partition, TwinState state) {
      states++;
    }

    @Override
    public void onTwinEvent(int partition, TwinEvent event) {
      twinEvents++;
    }

    @Override
    public void onAlert(int partition, AlertEvent alert) {
      alerts++;
    }
  }

  /** One measured row of the table. */
  record Row(String name, long records, double seconds, String outputs, double worstRecordsPerSecond) {
    Row(String name, long records, double seconds, String outputs) {
      this(name, records, seconds, outputs, Double.NaN);
    }

    double recordsPerSecond() {
      return records / seconds;
    }

    Row withWorst(double rate) {
      return new Row(name, records, seconds, outputs, rate);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchStack.options(args);
    int pumps = Integer.parseInt(opts.getOrDefault("--pumps", "100000"));
    int reports = Integer.parseInt(opts.getOrDefault("--reports-per-pump", "96"));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "2"));
    boolean withFile = Boolean.parseBoolean(opts.getOrDefault("--file", "true"));
    boolean workersToo = Boolean.parseBoolean(opts.getOrDefault("--workers", "true"));
    String out = opts.getOrDefault("--out", "bench/results/replay.md");
    double budgetMinutes = Double.parseDouble(opts.getOrDefault("--budget-minutes", "0"));
    String loadAtStart = load();
    long benchStarted = System.nanoTime();
    Path outPath = Path.of(out);
    String history = Files.exists(outPath) ? Files.readString(outPath) : "";
    String argsLine = String.join(" ", args);

    List<Row> rows = new ArrayList<>();
    List<String> notRunOverall = new ArrayList<>();
    long records;
    int alternating;
    try (ScratchDir scratch = ScratchDir.create("pumptwin-bench-replay-");
        LocalStack stack = BenchStack.onFreePorts(scratch.path())) {
      Path dir = scratch.path();
      System.err.printf("bench: phase fixture: %,d pumps x %d reports%n", pumps, reports);
      StatusStreamFixture.Input fixture = StatusStreamFixture.intoNewTopic(stack, pumps, reports);
      String input = fixture.topic();
      records = fixture.records();
      long fixtureRecords = records;
      long expected = records;
      TopicTelemetrySource topicSource = new TopicTelemetrySource(stack.bootstrapServers(),
          stack.registryClient(), input, Map.of());
      int threads = Math.min(topicSource.partitions(), Runtime.getRuntime().availableProcessors());

      // Contenders over the one fixture topic, alternating over rounds with a rotating start (as the
      // twin-engine benchmark runs them): the first run after the fixture, or after a run that left
      // the broker compacting changelogs, runs slowest, and JIT warm-up favours later runs; each is
      // reported by its best round.
      StreamsThroughputBenchmark.Contender engine = TwinContenders.all().get(0);
      List<Timed> contenders = new ArrayList<>();
      // In the order that matters most first (a budget may stop the later ones).
      // (1) The bar: a bare aggregate with exactly_once_v2, as StreamsThroughputBenchmark runs it.
      contenders.add(new Timed(BASELINE, round -> streams(stack, dir, input, expected, round,
          new StreamsThroughputBenchmark.Contender(BASELINE, (in, registry) -> BaselineAggregate.build(in)))));
      // (2) Replay from the topic on one thread: read, decode, twin and alerting topologies, production parameters.
      contenders.add(new Timed(REPLAY, round -> replay(REPLAY, topicSource, expected, 1)));
      // (3) The twin engine's own rate: TwinTopology as TwinEngine deploys it (RocksDB, changelogs,
      // exactly_once_v2, its commit interval and cache), one stream thread.
      contenders.add(new Timed(ENGINE, round -> streams(stack, dir, input, expected, round,
          new StreamsThroughputBenchmark.Contender(ENGINE, engine.topology(), engine.settings()))));
      if (workersToo && threads > 1) {
        // (3b) The same with the partitions' drivers on worker threads, one per core: pumptwin replay's default.
        String name = "replay from the topic, " + threads + " worker threads (pumptwin replay's default here)";
        contenders.add(new Timed(name, round -> replay(name, topicSource, expected, threads)));
      }
      List<Row> best = new ArrayList<>();
      double[] worst = new double[contenders.size()];
      java.util.Arrays.fill(worst, Double.MAX_VALUE);
      contenders.forEach(c -> best.add(null));
      List<String> notRun = new ArrayList<>();
      int phases = rounds * contenders.size();
      int phase = 0;
      rounds:
      for (int round = 0; round < rounds; round++) {
        for (int turn = 0; turn < contenders.size(); turn++) {
          int ci = (turn + round) % contenders.size();
          double spent = (System.nanoTime() - benchStarted) / 60e9;
          if (budgetMinutes > 0 && spent >= budgetMinutes) {
            for (int left = turn; left < contenders.size(); left++) {
              notRun.add(contenders.get((left + round) % contenders.size()).name() + " (round " + (round + 1) + ")");
            }
            for (int later = round + 1; later < rounds; later++) {
              notRun.add("round " + (later + 1));
            }
            System.err.printf("bench: budget of %.1f min spent (%.1f min): not run %s%n", budgetMinutes, spent, notRun);
            break rounds;
          }
          phase++;
          System.err.printf("bench: phase %d/%d round %d %s, %.1f min in%n", phase, phases, round + 1,
              contenders.get(ci).name(), spent);
          Row r = contenders.get(ci).run().apply(round);
          System.err.printf("bench: round %d %s: %,.0f rec/s%n", round + 1, r.name(), r.recordsPerSecond());
          if (best.get(ci) == null || r.recordsPerSecond() > best.get(ci).recordsPerSecond()) {
            best.set(ci, r);
          }
          worst[ci] = Math.min(worst[ci], r.recordsPerSecond());
          // What is measured so far, written now: a fleet-day run is long, and may be stopped.
          List<Row> sofar = new ArrayList<>();
          for (int i = 0; i < best.size(); i++) {
            if (best.get(i) != null) {
              sofar.add(best.get(i).withWorst(worst[i]));
            }
          }
          writeResults(outPath, report(sofar, sofar.size(), pumps, reports, fixtureRecords, rounds, loadAtStart,
              load() + " (run in progress: " + phase + " of " + phases + " phases done)", argsLine, notRun), history);
        }
      }
      for (int ci = 0; ci < best.size(); ci++) {
        if (best.get(ci) != null) {
          rows.add(best.get(ci).withWorst(worst[ci]));
        }
      }
      alternating = rows.size();
      notRunOverall.addAll(notRun);

      double spent = (System.nanoTime() - benchStarted) / 60e9;
      if (withFile && budgetMinutes > 0 && spent >= budgetMinutes) {
        notRunOverall.add("export to file and replay from the file");
      } else if (withFile) {
        System.err.printf("bench: phase export and replay from the file, %.1f min in%n", spent);
        // (4) Export to the replay's file format, then (5) replay from the file: no broker, no registry.
        Path file = dir.resolve("fleet-day.avro");
        Progress exportProgress = new Progress(System.err, "bench export");
        long started = System.nanoTime();
        long exported;
        try (TelemetryFile.Writer writer = new TelemetryFile.Writer(file, input, topicSource.partitions(),
            TimeRange.all())) {
          topicSource.read(TimeRange.all(), r -> {
            writer.append(r);
            exportProgress.record();
          }, exportProgress::fraction);
          exported = writer.written();
        }
        double exportSeconds = (System.nanoTime() - started) / 1e9;
        exportProgress.done();
        rows.add(new Row("export to file (TopicTelemetrySource + TelemetryFile.Writer)", exported, exportSeconds,
            String.format(Locale.ROOT, "%,.0f bytes/record", (double) Files.size(file) / exported)));
        rows.add(replay("replay from the export file, one thread (FileTelemetrySource + InProcessPipeline)",
            new FileTelemetrySource(file), records, 1));
      }
    }
    String table = report(rows, alternating, pumps, reports, records, rounds, loadAtStart, load(), argsLine,
        notRunOverall);
    System.out.println(table);
    writeResults(outPath, table, history);
    System.err.printf("bench: done in %.1f min%n", (System.nanoTime() - benchStarted) / 60e9);
  }

  /** This run's table, then what the file held before it, as history. */
  private static void writeResults(Path outPath, String table, String history) throws IOException {
    Files.createDirectories(outPath.toAbsolutePath().getParent());
    Files.writeString(outPath, history.isBlank() ? table : table + "\n## Earlier runs\n\n"
        + history.replaceFirst("^# [^\n]*\n+", ""));
  }

  static final String BASELINE = "bare groupByKey().aggregate() (baseline)";
  static final String ENGINE = "twin engine (TwinTopology as TwinEngine deploys it; no alerting)";
  static final String REPLAY =
      "replay from the topic, one thread (TopicTelemetrySource + InProcessPipeline, twin + alerting)";

  /** One contender of the alternating rounds: runs once per round, given the round's number. */
  record Timed(String name, ThrowingRun run) {}

  @FunctionalInterface
  interface ThrowingRun {
    Row applyChecked(int round) throws Exception;

    default Row apply(int round) {
      try {
        return applyChecked(round);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A Kafka Streams application over the fixture topic, exactly_once_v2, timed to its last committed offset. */
  private static Row streams(LocalStack stack, Path dir, String input, long expected, int round,
      StreamsThroughputBenchmark.Contender c) throws Exception {
    String appId = "bench-replay-" + Math.abs(c.name().hashCode()) + "-" + round + "-" + System.nanoTime();
    StreamsRun.Result r = StreamsThroughputBenchmark.runHere(c, appId, stack.bootstrapServers(),
        dir.resolve("streams").toString(), stack.topicRegistry(), input, expected, Duration.ofMinutes(60)).result();
    return new Row(r.name(), r.records(), r.seconds(), "-");
  }

  private static Row replay(String name, TelemetrySource source, long expected, int threads) {
    CountingListener counts = new CountingListener();
    Progress progress = new Progress(System.err, "bench replay");
    long started = System.nanoTime();
    TelemetrySource.ReadSummary read;
    long deadLetters;
    long heapWithState;
    try (InProcessPipeline pipeline = new InProcessPipeline(PipelineParameters.production(),
        source.partitions(), counts, threads)) {
      read = source.read(TimeRange.all(), r -> {
        pipeline.send(r.partition(), r.envelope(), r.timestamp());
        progress.record();
      }, progress::fraction);
      deadLetters = pipeline.deadLetters();
      // The heap while the pipeline still holds every twin and open alert (the replay's memory
      // need); the collection is not part of the replay's time.
      long gcStarted = System.nanoTime();
      System.gc();
      heapWithState = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      started += System.nanoTime() - gcStarted;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    progress.done();
    if (read.delivered() != expected) {
      throw new IllegalStateException(name + ": replayed " + read.delivered() + " records, expected " + expected
          + " (" + read + ")");
    }
    System.err.printf("bench: %s %,.0f rec/s, heap holding the state %,.0f MB%n", name, read.delivered() / seconds,
        heapWithState / 1e6);
    return new Row(name, read.delivered(), seconds, String.format(Locale.ROOT,
        "%,d twin states, %,d twin events, %,d alerts, %,d dead letters; heap holding the state after a GC %,.0f MB",
        counts.states, counts.twinEvents, counts.alerts, deadLetters, heapWithState / 1e6));
  }

  static String report(List<Row> rows, int alternating, int pumps, int reports, long records, int rounds,
      String loadStart, String loadEnd, String args, List<String> notRun) {
    double base = rows.stream().filter(r -> r.name().equals(BASELINE)).findFirst().map(Row::recordsPerSecond)
        .orElse(Double.NaN);
    double engine = rows.stream().filter(r -> r.name().equals(ENGINE)).findFirst().map(Row::recordsPerSecond)
        .orElse(Double.NaN);
    StringBuilder sb = new StringBuilder();
    sb.append("# Replay rate against the twin engine and the bare Kafka Streams baseline (issue 8)\n\n");
    sb.append("Command: `cd /work/main && ./mvnw -q -B -o -pl bench exec:exec "
        + "-Dbench.main=io.pumptwin.bench.ReplayBenchmark -Dbench.args=\"").append(args).append("\"`\n\n");
    sb.append(String.format(Locale.ROOT, "%s: %,d records (%,d pumps x %d status reports at a 15-minute cadence",
        Instant.now(), records, pumps, reports));
    sb.append(reports == 96 && pumps == 100_000 ? ", one fleet-day" : "");
    sb.append(String.format(Locale.ROOT, "), %d partitions, in-process broker and registry on the same %d cores, "
        + "bench JVM -Xmx2g. %s Baseline and twin engine: exactly_once_v2, 1 stream thread, timed to the last committed "
        + "offset; the twin engine with TwinEngine's own Streams settings (RocksDB, changelogs, its commit interval "
        + "and cache). Replays: production parameters, twin and alerting topologies in-process (TopologyTestDriver, "
        + "in-memory stores), outputs counted (not kept); export and replay from the file ran once, after the others.%n%n",
        Topics.DEFAULT_PARTITIONS, Runtime.getRuntime().availableProcessors(),
        rounds == 1 ? String.format(Locale.ROOT, "The first %d rows ran once each, one after the other in this order.",
            alternating)
            : String.format(Locale.ROOT, "The first %d rows ran alternately over %d rounds with a rotating start; "
                + "each is its best round.", alternating, rounds)));
    sb.append("Machine shared with other engineers' builds and benchmarks; load average (`uptime`) at start: ")
        .append(loadStart).append("; at end: ").append(loadEnd).append(".\n\n");
    sb.append("| run | records/s (best round) | ratio to the twin engine | ratio to baseline | seconds "
        + "| worst round records/s | outputs |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %.1f | %s | %s |%n", r.name(),
          r.recordsPerSecond(), ratio(r.recordsPerSecond(), engine), ratio(r.recordsPerSecond(), base), r.seconds(),
          Double.isNaN(r.worstRecordsPerSecond()) || rounds == 1 && r.worstRecordsPerSecond() == r.recordsPerSecond()
              ? "(one run)" : String.format(Locale.ROOT, "%,.0f", r.worstRecordsPerSecond()), r.outputs()));
    }
    if (!notRun.isEmpty()) {
      sb.append("\nNot run (the time budget, `--budget-minutes`, was spent): ").append(String.join("; ", notRun))
          .append(".\n");
    }
    return sb.toString();
  }

  private static String ratio(double rate, double reference) {
    return Double.isNaN(reference) ? "n/a" : String.format(Locale.ROOT, "%.2f", rate / reference);
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private ReplayBenchmark() {}
}
