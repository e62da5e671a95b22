package io.pumptwin.bench;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.embedded.LocalStack;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.json.TelemetryJsonWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Events per second through the gateway (batched JSON over keep-alive HTTP, signed, validated,
 * acks=all) against a plain idempotent acks=all KafkaProducer writing the same events to the same
 * broker in the same run (issue 3). Writes bench/results/gateway-throughput.md.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.GatewayThroughputBenchmark \
 *     -Dbench.args="100000 500 4 1000"
 * </pre>
 *
 * <p>Arguments: {@code [events] [batchSize] [clientThreads] [pumps]}, defaults 100000 500 4 1000.
 */
public final class GatewayThroughputBenchmark {
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int pumps = args.length > 3 ? Integer.parseInt(args[3]) : 1000;

    try (ScratchDir scratch = ScratchDir.create("pumptwin-bench-gw-");
        LocalStack stack = BenchStack.onFreePorts(scratch.path())) {
      Path dir = scratch.path();
      String secret = ProvisionDevice.newSecret(new SecureRandom());
      Path devices = Files.createTempFile("bench-devices", ".json");
      DeviceFile.write(devices, List.of(new Device("bench", secret, Set.of(Device.ANY_PUMP))));
      GatewayConfig config = GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
          .withListener("127.0.0.1", 0);

      // Warm both paths (JIT, metadata, schema ids) on events that are not measured.
      Workload warm = Workload.build(20_000, batchSize, pumps, "WARM", 0);
      Workload direct = Workload.build(events, batchSize, pumps, "DIRECT", 0);
      Workload viaGateway = Workload.build(events, batchSize, pumps, "GW", 0);

      Result producer;
      Result gatewayResult;
      try (TelemetryGateway gateway = new TelemetryGateway(config).start()) {
        plainProducer(stack, warm);
        runGateway(gateway.port(), secret, warm, threads);

        producer = plainProducer(stack, direct);
        gatewayResult = runGateway(gateway.port(), secret, viaGateway, threads);
      }
      Files.deleteIfExists(devices);

      String table = String.format("Gateway throughput, %s: %,d status events from %,d pumps, %d-event"
          + " signed JSON batches over keep-alive HTTP/1.1 from %d client threads; broker, registry,"
          + " gateway and clients on the same %d cores%n%n"
          + "| path | events/s | ratio | request p50 (ms) | p99 (ms) | max (ms) |%n|---|---:|---:|---:|---:|---:|%n"
          + "| plain KafkaProducer, Avro, acks=all, idempotent (baseline) | %,.0f | 1.00 | | | |%n"
          + "| gateway: HTTP JSON, HMAC, validation, acks=all before 202 | %,.0f | %.2f | %.1f | %.1f | %.1f |%n",
          Instant.now(), events, pumps, batchSize, threads, Runtime.getRuntime().availableProcessors(),
          producer.eventsPerSecond(), gatewayResult.eventsPerSecond(),
          gatewayResult.eventsPerSecond() / producer.eventsPerSecond(), gatewayResult.p50Ms(),
          gatewayResult.p99Ms(), gatewayResult.maxMs());
      System.out.println(table);
      Path out = Path.of("bench/results/gateway-throughput.md");
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, table);
    }
  }

  private record Result(int events, long nanos, long[] latenciesNanos) {
    double eventsPerSecond() {
      return events / (nanos / 1e9);
    }

    double p50Ms() {
      return percentile(0.50);
    }

    double p99Ms() {
      return percentile(0.99);
    }

    double maxMs() {
      return latenciesNanos.length == 0 ? 0 : latenciesNanos[latenciesNanos.length - 1] / 1e6;
    }

    private double percentile(double p) {
      if (latenciesNanos.length == 0) {
        return 0;
      }
      int i = (int) Math.ceil(p * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, i)] / 1e6;
    }
  }

  /** The same events as JSON batches (for the gateway) and as Avro records (for the producer). */
  private record Workload(List<byte[]> batches, List<TelemetryEnvelope> events) {
    static Workload build(int count, int batchSize, int pumps, String prefix, int seed) {
      Instant t = Instant.now().minusSeconds(3600);
      List<TelemetryEnvelope> all = new ArrayList<>(count);
      long[] sequence = new long[pumps];
      for (int i = 0; i < count; i++) {
        int pump = i % pumps;
        all.add(status(prefix + "-" + pump, ++sequence[pump], t.plusMillis(i)));
      }
      TelemetryJsonWriter writer = new TelemetryJsonWriter();
      List<byte[]> batches = new ArrayList<>();
      for (int from = 0; from < count; from += batchSize) {
        batches.add(writer.batch(all.subList(from, Math.min(count, from + batchSize))));
      }
      return new Workload(batches, all);
    }
  }

  /** 40 mL pump at 2000 mcg/mL delivering 500 mcg/day: 0.25 mL/day (DOMAIN.md's example). */
  private static TelemetryEnvelope status(String pump, long sequence, Instant at) {
    return TelemetryEnvelope.newBuilder().setEventId(java.util.UUID.randomUUID().toString())
        .setPumpSerial(pump).setPatientPseudonym("pat-" + Integer.toHexString(pump.hashCode()))
        .setClinicId("clinic-7").setEventTime(at).setSequence(sequence)
        .setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(null)
        .setPayload(StatusReport.newBuilder().setPumpComputedReservoirMl(12.5).setReservoirCapacityMl(40)
            .setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(2000).setDoseMcgPerDay(500)
            .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS).setBatteryRemainingPercent(71.0)
            .setBatteryVoltageV(null).setActiveAlarms(List.of()).build())
        .build();
  }

  private static Result plainProducer(LocalStack stack, Workload w) throws Exception {
    List<TelemetryEnvelope> records = w.events();
    Map<String, Object> config = new java.util.HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    var topic = stack.topicRegistry().topic(Topics.TELEMETRY);
    try (KafkaProducer<String, TelemetryEnvelope> producer = new KafkaProducer<>(config,
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      long start = System.nanoTime();
      List<Future<?>> acks = new ArrayList<>(records.size());
      for (TelemetryEnvelope r : records) {
        acks.add(producer.send(new ProducerRecord<>(topic.name(), r.getPumpSerial(), r)));
      }
      for (Future<?> f : acks) {
        f.get();
      }
      return new Result(records.size(), System.nanoTime() - start, new long[0]);
    }
  }

  private static Result runGateway(int port, String secret, Workload w, int threads) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/telemetry");
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[w.batches().size()];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < w.batches().size()) {
          byte[] body = w.batches().get(i);
          String ts = Long.toString(System.currentTimeMillis());
          HttpRequest request = HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .header(RequestSignature.DEVICE_HEADER, "bench")
              .header(RequestSignature.TIMESTAMP_HEADER, ts)
              .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(secret, ts + "", body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
          long sent = System.nanoTime();
          HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          latencies[i] = System.nanoTime() - sent;
          if (response.statusCode() != 202) {
            throw new IllegalStateException("batch " + i + " got " + response.statusCode() + ": " + response.body());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    Arrays.sort(latencies);
    return new Result(w.events().size(), elapsed, latencies);
  }
}
