package io.pumptwin.bench.latency;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.alerting.stream.AlertingTopology;
import io.pumptwin.bench.BenchStack;
import io.pumptwin.bench.ScratchDir;
import io.pumptwin.bench.plot.StripPlot;
import io.pumptwin.embedded.LocalStack;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * End-to-end latency (issue 9): from the telemetry gateway's 202 to the alert on pump.alerts.v1 as a
 * read_committed consumer sees it, at a sustained load, with the gateway, the twin engine and alerting running
 * in-process exactly as {@code bin/pumptwin local} wires them (exactly_once_v2 in both Streams services, their
 * own commit intervals), on a real broker and registry. Baseline in the same run: transactional producers and a
 * read_committed consumer at the same rate on the same broker. Writes
 * bench/results/end-to-end-latency.md and end-to-end-latency.svg.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.latency.EndToEndLatencyBenchmark \
 *     -Dbench.args="--rate 5000 --seconds 75"
 * </pre>
 *
 * <p>Options (defaults): {@code --rate 5000} telemetry events/s, {@code --seconds 75} measured,
 * {@code --warmup 30} s, {@code --pumps 10000}, {@code --threads 4} client threads, {@code --batch 100} events
 * per request, {@code --alarms 5} critical alarms/s, {@code --baseline-seconds 30}, {@code --engine-commit-ms}
 * (unset: the engine's own setting; set: a what-if through the engine's existing Streams overrides),
 * {@code --out bench/results/end-to-end-latency}.
 */
public final class EndToEndLatencyBenchmark {
  private EndToEndLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchStack.options(args);
    double rate = Double.parseDouble(o.getOrDefault("--rate", "5000"));
    int seconds = Integer.parseInt(o.getOrDefault("--seconds", "75"));
    int warmup = Integer.parseInt(o.getOrDefault("--warmup", "30"));
    int pumps = Integer.parseInt(o.getOrDefault("--pumps", "10000"));
    int threads = Integer.parseInt(o.getOrDefault("--threads", "4"));
    int batch = Integer.parseInt(o.getOrDefault("--batch", "100"));
    double alarmRate = Double.parseDouble(o.getOrDefault("--alarms", "5"));
    int baselineSeconds = Integer.parseInt(o.getOrDefault("--baseline-seconds", "30"));
    String engineCommit = o.get("--engine-commit-ms");
    Path out = Path.of(o.getOrDefault("--out", "bench/results/end-to-end-latency"));
    if (alarmRate * (warmup + seconds) > pumps / 2.0) {
      throw new IllegalArgumentException("more alarms than half the pumps: each alarm needs a pump of its own");
    }
    String command = "./mvnw -q -pl bench exec:exec -Dbench.main=" + EndToEndLatencyBenchmark.class.getName()
        + " -Dbench.args=\"" + String.join(" ", args) + "\"";
    LoadAverage load = new LoadAverage();
    Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    System.out.printf("end-to-end latency: %,.0f events/s for %d s (+%d s warm-up), %,d pumps, %d threads, "
        + "batches of %d, %.1f critical alarms/s; load average %s%n", rate, seconds, warmup, pumps, threads, batch,
        alarmRate, load.sample());

    try (ScratchDir scratch = ScratchDir.create("pumptwin-bench-e2e-");
        LocalStack stack = BenchStack.onFreePorts(scratch.path())) {
      Path dir = scratch.path();
      int partitions = Topics.TELEMETRY.partitions();
      String secret = ProvisionDevice.newSecret(new SecureRandom());
      Path devices = dir.resolve("devices.json");
      DeviceFile.write(devices, List.of(new Device("bench-e2e", secret, Set.of(Device.ANY_PUMP))));
      // The services as LocalCommand builds them (launcher/), on free ports.
      GatewayConfig gatewayConfig = GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
          .withListener("127.0.0.1", 0);
      TwinEngineConfig engineConfig = TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
          dir.resolve("twin-engine-state")).withQueryServer(0, null);
      if (engineCommit != null) {
        engineConfig = engineConfig.withStreamsOverrides(
            Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.parseInt(engineCommit)));
      }
      AlertingConfig alertingConfig = AlertingConfig.local(stack.bootstrapServers(), dir, null, null, null)
          .withApiPort(0);
      long engineCommitMs = commitInterval(TwinEngine.streamsProperties(engineConfig));
      long alertingCommitMs = commitInterval(AlertingTopology.streamsConfig(alertingConfig, stack.topicRegistry(),
          new SimpleMeterRegistry()));
      System.out.printf("[baseline] transactional producers -> read_committed consumer, %,.0f records/s for %d s%n",
          rate, baselineSeconds);
      TransactionalRoundTrip.Outcome baseline = TransactionalRoundTrip.run(stack.bootstrapServers(), partitions, rate,
          threads, batch, TimeUnit.SECONDS.toNanos(baselineSeconds));
      Latencies base = Latencies.of(baseline.latencies());
      System.out.printf("[baseline] %,d transactions (%,d seen), %,.0f records/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms"
          + "; load average %s%n", baseline.transactions(), baseline.seen(), baseline.recordsPerSecond(), base.p50(),
          base.p99(), base.maxMs(), load.sample());
      System.out.printf("[baseline] bare two-stage exactly_once_v2 relay (commit.interval.ms %d, then %d), %,.0f "
          + "records/s for %d s%n", engineCommitMs, alertingCommitMs, rate, baselineSeconds);
      BareStreamsRelay.Outcome relayed = BareStreamsRelay.run(stack.bootstrapServers(), dir.resolve("relay-state"),
          partitions, rate, threads, batch, engineCommitMs, alertingCommitMs, TimeUnit.SECONDS.toNanos(baselineSeconds));
      Latencies relay = Latencies.of(relayed.latencies());
      System.out.printf("[baseline] relay: %,d batches (%,d seen), %,.0f records/s, p50 %.1f ms, p99 %.1f ms, max "
          + "%.1f ms; load average %s%n", relayed.batches(), relayed.seen(), relayed.recordsPerSecond(), relay.p50(),
          relay.p99(), relay.maxMs(), load.sample());

      System.out.printf("[services] starting gateway, twin engine (commit.interval.ms=%d) and alerting "
          + "(commit.interval.ms=%d), exactly_once_v2%n", engineCommitMs, alertingCommitMs);

      Report report;
      try (TelemetryGateway gateway = new TelemetryGateway(gatewayConfig).start();
           TwinEngine engine = new TwinEngine(engineConfig).start();
           Closeable alerting = startAlerting(alertingConfig, stack)) {
        await("twin engine RUNNING", Duration.ofMinutes(2), () -> engine.state() == KafkaStreams.State.RUNNING);
        await("alerting RUNNING", Duration.ofMinutes(2),
            () -> alerting.service().streamsState() == KafkaStreams.State.RUNNING);
        try (AlertWatch watch = new AlertWatch(stack.bootstrapServers(), stack.topicRegistry())) {
          TelemetryLoad loadGen = new TelemetryLoad(gateway.port(), "bench-e2e", secret, pumps, threads, batch);
          long loadStart = System.nanoTime();
          List<EngineProbe> probes = List.of(new EngineProbe("twin engine", engine.meters()),
              new EngineProbe("alerting", alerting.service().meters()));
          Thread progress = progress(loadGen, watch, load, loadStart, warmup, probes);
          loadGen.run(rate, alarmRate, TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(seconds));
          long loadEnd = System.nanoTime();
          System.out.printf("[drain] load done; waiting up to 60 s for the last alerts%n");
          await("every accepted alarm's alert", Duration.ofSeconds(60), () -> loadGen.alarms.stream()
              .allMatch(a -> watch.alertsByEventId.containsKey(a.eventId())), false);
          // Anything still in flight that could be a duplicate gets the same time to show up.
          Thread.sleep(Math.max(3 * engineCommitMs, 3000));
          progress.interrupt();
          report = Report.of(loadGen, watch, base, baseline, relay, relayed, TimeUnit.SECONDS.toNanos(warmup),
              loadStart, loadEnd);
        }
      }
      String loadAverages = load.summary();
      String svg = plot(report, base, rate, engineCommitMs, alertingCommitMs);
      String md = report.markdown(startedAt, command, rate, seconds, warmup, pumps, threads, batch, alarmRate,
          baselineSeconds, engineCommitMs, alertingCommitMs, engineCommit != null, loadAverages,
          out.getFileName() + ".svg");
      System.out.println(md);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(Path.of(out + ".md"), md);
      Files.writeString(Path.of(out + ".svg"), svg);
      System.out.printf("written %s.md and %s.svg%n", out, out);
    }
  }

  private static long commitInterval(Properties p) {
    return new StreamsConfig(p).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
  }

  /** Alerting as AlertingLocalService starts it, closable in try-with-resources. */
  private record Closeable(AlertingService service) implements AutoCloseable {
    @Override
    public void close() {
      service.close();
    }
  }

  private static Closeable startAlerting(AlertingConfig config, LocalStack stack) throws InterruptedException {
    AlertingService service = new AlertingService(config, stack.topicRegistry());
    service.start();
    return new Closeable(service);
  }

  private static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
    await(what, limit, done, true);
  }

  private static void await(String what, Duration limit, BooleanSupplier done, boolean required)
      throws InterruptedException {
    long until = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) {
        if (required) {
          throw new IllegalStateException("timed out waiting for " + what);
        }
        System.out.printf("[drain] not all there after %d s: %s%n", limit.toSeconds(), what);
        return;
      }
      Thread.sleep(200);
    }
  }

  /** Every 5 s: events accepted and their rate, alarms accepted, alerts seen, load average. */
  private static Thread progress(TelemetryLoad gen, AlertWatch watch, LoadAverage load, long start, int warmup,
      List<EngineProbe> probes) {
    Thread t = new Thread(() -> {
      long lastEvents = 0;
      long lastAt = start;
      try {
        while (true) {
          Thread.sleep(5000);
          long now = System.nanoTime();
          long events = gen.eventsAccepted.get();
          double elapsed = (now - start) / 1e9;
          long since = lastAt;
          Latencies recent = Latencies.of(gen.alarms.stream()
              .map(a -> {
                List<Long> seen = watch.alertsByEventId.get(a.eventId());
                return seen == null || seen.get(0) < since ? null : seen.get(0) - a.acceptedNanos();
              })
              .filter(java.util.Objects::nonNull).toList());
          System.out.printf("[%5.0f s]%s accepted %,d events (%,.0f/s now), %d alarms, %d critical-alarm alerts "
                  + "seen (last 5 s: p50 %.0f ms, max %.0f ms), %d refused/failed; load average %s%n", elapsed,
              elapsed < warmup ? " warm-up" : "", events, (events - lastEvents) / ((now - lastAt) / 1e9),
              gen.alarmsAccepted.get(), watch.alertsByEventId.size(), recent.p50(), recent.maxMs(),
              gen.failures.get(), load.sample());
          System.out.printf("          %s%n", String.join("; ", probes.stream().map(EngineProbe::line).toList()));
          lastEvents = events;
          lastAt = now;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String plot(Report r, Latencies base, double rate, long engineCommitMs, long alertingCommitMs) {
    StripPlot plot = new StripPlot(String.format(Locale.ROOT, "Latency at %,.0f events/s (ms, log scale; bars: "
            + "p50, p99); commit interval engine %d ms, alerting %d ms", rate, engineCommitMs, alertingCommitMs),
        0.5, 20_000,
        List.of(new StripPlot.Tick(1, "1 ms"), new StripPlot.Tick(10, "10 ms"), new StripPlot.Tick(100, "100 ms"),
            new StripPlot.Tick(1000, "1 s"), new StripPlot.Tick(10_000, "10 s")));
    List<StripPlot.Row> rows = new ArrayList<>();
    rows.add(r.endToEnd().row("202 -> alert on pump.alerts.v1", 600));
    rows.add(r.toTwinEvent().row("stage 1: 202 -> twin event", 600));
    rows.add(r.twinToAlert().row("stage 2: twin event -> alert", 600));
    rows.add(r.requests().row("gateway request (POST -> 202)", 600));
    rows.add(r.relay().row("baseline: bare 2-stage EOS relay", 600));
    rows.add(base.row("baseline: txn commit -> read_committed", 600));
    return plot.svg(rows);
  }

  /** The outcome of the measured window, and what was matched. */
  record Report(Latencies endToEnd, Latencies toTwinEvent, Latencies twinToAlert, Latencies requests,
      Latencies base, TransactionalRoundTrip.Outcome baseline, Latencies relay, BareStreamsRelay.Outcome relayed,
      int alarmsMeasured, int alarmsWarmup, int matched,
      int lost, int duplicated, int warmupMatched, int alertsBeforeAnswer, int strayAlerts, int withoutEvidence,
      double eventsPerSecond, long eventsMeasured, long failures, long skippedBatches, Map<String, Long> alertRecords,
      Map<Integer, Latencies> byWindow) {
    /** Seconds of the measured window per row of the over-time table: a backlog shows as a rising p50. */
    static final int WINDOW_S = 15;

    static Report of(TelemetryLoad gen, AlertWatch watch, Latencies base, TransactionalRoundTrip.Outcome baseline,
        Latencies relay, BareStreamsRelay.Outcome relayed,
        long warmupNanos, long loadStart, long loadEnd) {
      List<Long> e2e = new ArrayList<>();
      List<Long> stage1 = new ArrayList<>();
      List<Long> stage2 = new ArrayList<>();
      int measured = 0;
      int warm = 0;
      int matched = 0;
      int lost = 0;
      int duplicated = 0;
      int warmMatched = 0;
      int early = 0;
      Set<String> sent = new java.util.HashSet<>();
      long measuredFrom = loadStart + warmupNanos;
      Map<Integer, List<Long>> windows = new TreeMap<>();
      for (TelemetryLoad.SentAlarm a : gen.alarms) {
        sent.add(a.eventId());
        List<Long> seen = watch.alertsByEventId.getOrDefault(a.eventId(), List.of());
        if (!a.measured()) {
          warm++;
          warmMatched += seen.isEmpty() ? 0 : 1;
          continue;
        }
        measured++;
        if (seen.isEmpty()) {
          lost++;
          continue;
        }
        matched++;
        if (seen.size() > 1) {
          duplicated++;
        }
        long alertAt = seen.get(0);
        if (alertAt < a.acceptedNanos()) {
          early++; // the alert was visible before the client had read its 202: counted as zero
        }
        e2e.add(Math.max(0, alertAt - a.acceptedNanos()));
        windows.computeIfAbsent((int) ((a.acceptedNanos() - measuredFrom) / TimeUnit.SECONDS.toNanos(WINDOW_S)),
            k -> new ArrayList<>()).add(Math.max(0, alertAt - a.acceptedNanos()));
        List<Long> twin = watch.twinEventsByEventId.getOrDefault(a.eventId(), List.of());
        if (!twin.isEmpty()) {
          stage1.add(Math.max(0, twin.get(0) - a.acceptedNanos()));
          stage2.add(Math.max(0, alertAt - twin.get(0)));
        }
      }
      int stray = (int) watch.alertsByEventId.keySet().stream().filter(id -> !sent.contains(id)).count();
      List<Long> requests = new ArrayList<>();
      long events = 0;
      for (TelemetryLoad.Answer a : gen.answers) {
        if (a.measured()) {
          requests.add(a.answeredNanos() - a.sentNanos());
          events += a.events();
        }
      }
      Map<String, Long> records = new TreeMap<>();
      watch.alertRecords.forEach((k, v) -> records.put(k, v.get()));
      Map<Integer, Latencies> byWindow = new TreeMap<>();
      windows.forEach((w, l) -> byWindow.put(w, Latencies.of(l)));
      return new Report(Latencies.of(e2e), Latencies.of(stage1), Latencies.of(stage2), Latencies.of(requests), base,
          baseline, relay, relayed, measured, warm, matched, lost, duplicated, warmMatched, early, stray,
          watch.alertsWithoutEvidence.size(), events / ((loadEnd - measuredFrom) / 1e9), events, gen.failures.get(),
          gen.skippedBatches.get(), records, byWindow);
    }

    String markdown(Instant date, String command, double rate, int seconds, int warmup, int pumps, int threads,
        int batch, double alarmRate, int baselineSeconds, long engineCommitMs, long alertingCommitMs,
        boolean engineOverridden, String loadAverages, String svgName) {
      StringBuilder s = new StringBuilder();
      s.append("# End-to-end latency: gateway 202 to alert on pump.alerts.v1 (issue 9)\n\n");
      s.append(String.format(Locale.ROOT, "Measured %s on %d cores (broker, registry, gateway, twin engine, alerting "
          + "and load generator all on them; other engineers' builds running). Load average (1/5/15 min) %s.%n%n",
          date, Runtime.getRuntime().availableProcessors(), loadAverages));
      s.append("```\n").append(command).append("\n```\n\n");
      s.append(String.format(Locale.ROOT, "How: a real KRaft broker and Apicurio registry (LocalStack); the telemetry "
          + "gateway, the twin engine and alerting in-process, configured as `bin/pumptwin local` configures them "
          + "(exactly_once_v2 in both Streams services; twin engine commit.interval.ms %d%s, alerting %d). "
          + "%d client threads post signed JSON batches of %d events at a fixed schedule, %,.0f events/s in all, "
          + "status reports of %,d pumps (each thread owns its pumps, so each pump's events arrive in order) and "
          + "%.1f critical pump alarms/s (`PumpAlarm` OTHER_CRITICAL), each on a pump that has not alarmed before: "
          + "the twin relays it at once and alerting opens a PUMP_CRITICAL_ALARM alert at once. The time of each "
          + "alarm's 202 is taken when the client has read the answer; the alert's when a read_committed consumer "
          + "of pump.alerts.v1 (fetch.max.wait 10 ms) returns it; they are matched by the telemetry event id in the "
          + "alert's evidence. A second read_committed consumer on pump.twin.events.v1 splits the path in two stages. "
          + "%d s warm-up (not counted), then %d s measured, then up to 60 s for the last alerts.%n%n",
          engineCommitMs, engineOverridden ? " (set by --engine-commit-ms, a what-if: not the shipped setting)"
              : " (its shipped setting)", alertingCommitMs, threads, batch, rate, pumps, alarmRate, warmup, seconds));
      s.append(String.format(Locale.ROOT, "Baseline, same run, same broker, before the services start: %d "
          + "transactional producers commit a transaction of %d records on the same schedule (%,.0f records/s) for "
          + "%d s; a read_committed consumer notes when each transaction becomes visible; latency from "
          + "commitTransaction()'s return (the producer's 202) to visibility.%n%n", threads, batch, rate,
          baselineSeconds));
      s.append(String.format(Locale.ROOT, "Second baseline, same run, after the first: the pipeline's shape without "
          + "its work. An idempotent acks=all producer (as the gateway's) writes the same batches at the same rate; "
          + "two bare Kafka Streams applications relay every record unchanged, topic to topic, exactly_once_v2, "
          + "with the twin engine's and alerting's commit intervals (%d and %d ms); a read_committed consumer notes "
          + "when each batch's first record comes out; latency from the batch's last acknowledgement.%n%n",
          engineCommitMs, alertingCommitMs));
      s.append("| path | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | p50 / relay | p99 / relay "
          + "| p99 / txn |\n");
      s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      row(s, "baseline: transactional producer -> read_committed consumer", base);
      row(s, "baseline: bare two-stage exactly_once_v2 relay", relay);
      row(s, "**gateway 202 -> alert on pump.alerts.v1 (read_committed)**", endToEnd);
      row(s, "stage 1: 202 -> twin event on pump.twin.events.v1", toTwinEvent);
      row(s, "stage 2: twin event -> alert", twinToAlert);
      row(s, "gateway request alone (POST sent -> 202 read)", requests);
      s.append('\n');
      s.append(String.format(Locale.ROOT, "- Sustained: %,.0f telemetry events/s accepted (202) over the measured "
          + "window (%,d events; target %,.0f/s); %d requests refused or failed; %d batches skipped because a "
          + "client thread was more than 1 s behind its schedule. Baselines: %,.0f and %,.0f records/s; the relay "
          + "saw %,d of %,d batches.%n", eventsPerSecond, eventsMeasured, rate, failures, skippedBatches,
          baseline.recordsPerSecond(), relayed.recordsPerSecond(), relayed.seen(), relayed.batches()));
      s.append(String.format(Locale.ROOT, "- Critical alarms in the measured window: %d accepted, **%d matched to "
          + "their alert, %d lost, %d duplicated** (an alarm with more than one opened alert); %d alerts whose "
          + "event id no alarm had, %d opened critical-alarm alerts without an event id in their evidence. "
          + "Warm-up: %d of %d matched. %d alerts were visible before their 202 had been read (counted as 0 ms).%n",
          alarmsMeasured, matched, lost, duplicated, strayAlerts, withoutEvidence, warmupMatched, alarmsWarmup,
          alertsBeforeAnswer));
      s.append(String.format(Locale.ROOT, "- Goal: p99 under 1 s at 5,000 events/s: **%s** (p99 %.0f ms at %,.0f "
          + "events/s).%n", endToEnd.p99() < 1000 && eventsPerSecond >= 0.98 * 5000 ? "met" : "not met",
          endToEnd.p99(), eventsPerSecond));
      s.append("- Alert records seen on pump.alerts.v1 during the run, by type and transition: ");
      List<String> parts = new ArrayList<>();
      alertRecords.forEach((k, v) -> parts.add(k + " " + v));
      s.append(String.join(", ", parts)).append(".\n\n");
      s.append(String.format(Locale.ROOT, "Over the measured window (alarms by when their 202 came, %d s each):%n%n",
          WINDOW_S));
      s.append("| from (s) | alarms | p50 (ms) | p99 (ms) | max (ms) |\n|---:|---:|---:|---:|---:|\n");
      byWindow.forEach((w, l) -> s.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.0f |%n",
          w * WINDOW_S, l.count(), l.p50(), l.p99(), l.maxMs())));
      s.append('\n');
      s.append("![latency distribution](").append(svgName).append(")\n");
      return s.toString();
    }

    private void row(StringBuilder s, String name, Latencies l) {
      s.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f |%n", name,
          l.count(), l.p50(), l.p95(), l.p99(), l.maxMs(), l.p50() / relay.p50(), l.p99() / relay.p99(),
          l.p99() / base.p99()));
    }
  }

  /** The machine's load average from /proc/loadavg: sampled through the run, summarised at the end. */
  private static final class LoadAverage {
    private final List<String> samples = new java.util.concurrent.CopyOnWriteArrayList<>();

    String sample() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        String s = f[0] + " " + f[1] + " " + f[2];
        samples.add(s);
        return s;
      } catch (Exception e) {
        return "unknown";
      }
    }

    String summary() {
      sample();
      double max = samples.stream().filter(s -> !s.equals("unknown"))
          .mapToDouble(s -> Double.parseDouble(s.split(" ")[0])).max().orElse(Double.NaN);
      return String.format(Locale.ROOT, "%s at the start, %s at the end, highest 1-minute figure %.2f",
          samples.get(0), samples.get(samples.size() - 1), max);
    }
  }
}
